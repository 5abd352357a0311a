using System.ComponentModel.DataAnnotations;
using DigitForge.Engine.Config;
using DigitForge.Kit.Ingest;
using DigitForge.Kit.Tables;

namespace DigitForge.Tabular;

/// <summary>What a tabular pipeline predicts: a class of two (binary) or more (multiclass), or a number (regression).</summary>
public enum TabularTask
{
    Binary,
    Multiclass,
    Regression,
}

/// <summary>One feature column of the source CSV and its kind.</summary>
public sealed class FeatureColumn
{
    [Required]
    public string Name { get; set; } = string.Empty;

    [Required]
    public ColumnKind? Kind { get; set; }
}

/// <summary>
/// configs/&lt;name&gt;/pipeline.json: what a recipe-only pipeline is, its identity: the pinned CSV source, the label,
/// the feature columns and their kinds, the task and (for a classifier) its classes. What a sweep or <c>--set</c>
/// changes (trainer, its options, split, gate thresholds) lives in the recipe, <see cref="TabularConfig"/>.
/// </summary>
public sealed class TabularDeclaration : IValidatableObject
{
    public const string FileName = "pipeline.json";

    /// <summary>One line for <c>--description</c> and the docs.</summary>
    [Required]
    public string Description { get; set; } = string.Empty;

    [Required]
    public PinnedFile Source { get; set; } = new();

    [Required]
    public TabularTask? Task { get; set; }

    /// <summary>The column predicted.</summary>
    [Required]
    public string Label { get; set; } = string.Empty;

    /// <summary>A classifier's label values as the CSV spells them, in the order the metrics and outputs list them.</summary>
    public string[]? Classes { get; set; }

    [Required]
    public FeatureColumn[] Features { get; set; } = [];

    public bool IsClassifier => Task is not TabularTask.Regression;

    /// <summary>The columns a split file holds: the features, then the label.</summary>
    public IReadOnlyList<ColumnSpec> Columns =>
        [.. Features.Select(f => new ColumnSpec(f.Name, f.Kind!.Value)), new ColumnSpec(Label, IsClassifier ? ColumnKind.Categorical : ColumnKind.Numeric)];

    /// <summary>Reads and checks <paramref name="path"/>: unknown keys, a bad kind or task, a missing column are errors naming the key.</summary>
    public static TabularDeclaration Load(string path) => ConfigLoader<TabularDeclaration>.Load(path, []);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Features.Length == 0)
        {
            yield return new ValidationResult("expected at least one feature column", [nameof(Features)]);
        }

        for (var i = 0; i < Features.Length; i++)
        {
            if (Features[i] is not { Name.Length: > 0, Kind: not null })
            {
                yield return new ValidationResult($"feature {i} needs a name and a kind (numeric, categorical or text)", [nameof(Features)]);
            }
        }

        if (Features.Select(f => f.Name).Append(Label).GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            yield return new ValidationResult($"column '{twice.Key}' is named twice (features and label are distinct columns)", [nameof(Features)]);
        }

        var classes = Classes?.Length ?? 0;
        var (least, most) = Task switch
        {
            TabularTask.Binary => (2, 2),
            TabularTask.Multiclass => (3, byte.MaxValue),
            _ => (0, 0),
        };
        if (Task is not null && (classes < least || classes > most))
        {
            yield return new ValidationResult(
                most == 0 ? "a regression has no classes" : $"a {Task.ToString()!.ToLowerInvariant()} task needs {(least == most ? $"{least}" : $"{least} to {most}")} distinct classes, got {classes}",
                [nameof(Classes)]);
        }
        else if (Classes is not null && Classes.Distinct().Count() != Classes.Length)
        {
            yield return new ValidationResult("classes must be distinct", [nameof(Classes)]);
        }
    }
}
