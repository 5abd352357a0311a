namespace DigitForge.Kit.Tables;

/// <summary>What a CSV column holds, which decides how it is checked and turned into features.</summary>
public enum ColumnKind
{
    /// <summary>A number (invariant culture), used as is.</summary>
    Numeric,

    /// <summary>One of a few values, one-hot encoded.</summary>
    Categorical,

    /// <summary>Free text, turned into n-gram features.</summary>
    Text,
}

/// <summary>One column a table source reads: its header name and kind.</summary>
public sealed record ColumnSpec(string Name, ColumnKind Kind);
