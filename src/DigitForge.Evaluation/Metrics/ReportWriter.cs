using System.Globalization;
using System.Text;
using DigitForge.Engine.Storage;
using Newtonsoft.Json;

namespace DigitForge.Evaluation.Metrics;

/// <summary>
/// <see cref="ClassificationReport"/> to and from JSON. Deterministic: the same report gives the
/// same bytes on any machine and culture — names and order pinned on the records, two-space
/// indentation, "\n" line endings (one after the document), invariant numbers written round-trip
/// (reading a file back and writing it again reproduces it byte for byte), UTF-8 without BOM.
/// </summary>
public static class ReportWriter
{
    /// <summary>The report's file name, in Evaluate's outputs and in a model version's folder.</summary>
    public const string FileName = "metrics.json";

    private static readonly JsonSerializerSettings Settings = new()
    {
        Formatting = Formatting.Indented,
        Culture = CultureInfo.InvariantCulture,
        FloatFormatHandling = FloatFormatHandling.String,
        FloatParseHandling = FloatParseHandling.Double,
        NullValueHandling = NullValueHandling.Include,
        MissingMemberHandling = MissingMemberHandling.Error,
        DateParseHandling = DateParseHandling.None,
    };

    /// <summary>The JSON text of <paramref name="report"/>, ending in "\n".</summary>
    public static string Serialize(ClassificationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var builder = new StringBuilder();
        using (var text = new StringWriter(builder, CultureInfo.InvariantCulture) { NewLine = "\n" })
        using (var json = new JsonTextWriter(text) { Formatting = Formatting.Indented, Indentation = 2, IndentChar = ' ' })
        {
            JsonSerializer.Create(Settings).Serialize(json, report);
        }

        return builder.Append('\n').ToString();
    }

    /// <summary>Parses <see cref="Serialize"/>'s output; malformed or incomplete JSON is an <see cref="InvalidDataException"/>.</summary>
    public static ClassificationReport Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ClassificationReport? report;
        try
        {
            report = JsonConvert.DeserializeObject<ClassificationReport>(json, Settings);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Not a classification report: {ex.Message}", ex);
        }

        if (report is null)
            throw new InvalidDataException("Not a classification report: empty JSON document.");
        CheckShape(report);
        return report;
    }

    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/> atomically (a reader sees the old file or the new one).</summary>
    public static void Write(string path, ClassificationReport report) => AtomicFile.WriteAllText(path, Serialize(report));

    /// <summary>Reads a report <see cref="Write"/> wrote; errors name the file.</summary>
    public static ClassificationReport Read(string path)
    {
        var json = File.ReadAllText(path, Encoding.UTF8);
        try
        {
            return Deserialize(json);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Writes <see cref="ClassificationReport.ToText"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteText(string path, ClassificationReport report) => AtomicFile.WriteAllText(path, report.ToText());

    // Missing properties deserialize as null/0; catch the ones that would break consumers later.
    private static void CheckShape(ClassificationReport report)
    {
        if (report.PerClass is null || report.ConfusionMatrix is null || report.CalibrationBins is null
            || report.MostConfidentWrong is null || report.MacroAverage is null || report.WeightedAverage is null)
        {
            throw new InvalidDataException("Not a classification report: a required property is missing or null.");
        }

        if (report.PerClass.Count != report.Classes
            || report.ConfusionMatrix.Count != report.Classes
            || report.ConfusionMatrix.Any(row => row is null || row.Count != report.Classes))
        {
            throw new InvalidDataException(
                $"Not a classification report: perClass and confusionMatrix must be sized by classes ({report.Classes}).");
        }

        if (report.Robustness is { } robustness && (robustness.Shifts is null || robustness.Worst is null || robustness.Shifts.Any(s => s?.Name is null)))
        {
            throw new InvalidDataException("Not a classification report: robustness needs its shifts and its worst shift.");
        }
    }
}
