using System.Globalization;
using CsvHelper;

namespace DigitForge.Kit.Tables;

/// <summary>The one CSV dialect pipelines read and write: commas, invariant numbers, "\n" lines, quotes only where needed.</summary>
public static class CsvFormat
{
    /// <summary>Strict: a malformed record throws with its line, and fields keep their spaces.</summary>
    public static readonly CsvReaderOptions Reader = CsvReaderOptions.Default with
    {
        Separator = ',',
        TrackLineNumbers = true,
        TrimWhitespace = false,
        MalformedData = CsvMalformedDataHandling.Throw,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    public static readonly CsvWriterOptions Writer = CsvWriterOptions.Default with
    {
        NewLine = "\n",
        Quoting = CsvQuoting.WhenNeeded,
        Injection = CsvInjection.None,
        FormatProvider = CultureInfo.InvariantCulture,
    };
}
