using DigitForge.Inference;
using DigitForge.Inference.Golden;
using DigitForge.Registry.Store;

namespace DigitForge.Scoring.Models;

/// <summary>
/// Loads the model a registry version is scored or served with and checks it against the version's golden
/// set on this CPU. An int8 model chosen by default that fails gives way to FP32, with one line saying why;
/// an int8 model asked for by name, or an FP32 model, that fails is refused (<see cref="GoldenCheckFailedException"/>):
/// its answers here are not the ones checked at promote. A version promoted before golden sets loads unchecked.
/// </summary>
public static class GoldenGate
{
    /// <param name="requested">True when the user named the precision (<c>--precision</c>), so no fallback is allowed.</param>
    /// <param name="use">"scoring" or "serving", for the fallback line.</param>
    /// <param name="load">Opens a session as the caller will use it: the check runs through that session.</param>
    /// <returns>The loaded, checked model; the caller owns it.</returns>
    public static CheckedModel Load(ModelVersion version, PrecisionChoice choice, bool requested, string use, Func<string, OnnxDigitModel> load)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(load);
        if (!File.Exists(version.GoldenSetPath))
        {
            return new CheckedModel(load(choice.OnnxPath), choice, new GoldenOutcome([], $"golden check: none ({version.Name} has no golden set; it was promoted before they were written)", null));
        }

        var set = GoldenSet.Read(version.GoldenSetPath);
        var (model, result) = LoadChecked(choice.OnnxPath, set, version.GoldenSetPath, load);
        if (result?.Passed != false)
        {
            return new CheckedModel(model, choice, Outcome(result, version, choice, []));
        }

        model.Dispose();
        if (choice.Precision == ModelPrecision.Int8 && !requested)
        {
            var fp32 = new PrecisionChoice(version.OnnxPath, ModelPrecision.Fp32);
            var (fallback, fp32Result) = LoadChecked(fp32.OnnxPath, set, version.GoldenSetPath, load);
            if (fp32Result?.Passed == false)
            {
                fallback.Dispose();
                throw Refused(version, fp32Result, $"not {use} it");
            }

            var reason = $"int8 failed its golden check on {result.CpuClass} ({result.Differences}); {use} with fp32";
            return new CheckedModel(fallback, fp32, Outcome(fp32Result, version, fp32, [result], reason));
        }

        throw Refused(version, result, choice.Precision == ModelPrecision.Int8 ? "use --precision fp32" : $"not {use} it");
    }

    private static (OnnxDigitModel Model, GoldenCheckResult? Result) LoadChecked(string onnxPath, GoldenSet set, string setPath, Func<string, OnnxDigitModel> load)
    {
        var model = load(onnxPath);
        try
        {
            return (model, GoldenCheck.Run(model, set, setPath));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static GoldenOutcome Outcome(GoldenCheckResult? result, ModelVersion version, PrecisionChoice choice, GoldenCheckResult[] earlier, string? fallback = null) =>
        result is null
            ? new GoldenOutcome(earlier, $"golden check: none for {PrecisionChoice.Name(choice.Precision)} in {version.Name}'s {ModelVersion.GoldenSetFileName}", fallback)
            : new GoldenOutcome([.. earlier, result], result.Summary, fallback);

    private static GoldenCheckFailedException Refused(ModelVersion version, GoldenCheckResult result, string advice) =>
        new(
            $"{(result.Precision == PrecisionChoice.Name(ModelPrecision.Int8) ? "--precision int8: " : string.Empty)}{version.Name}'s {result.Precision} model failed its golden check on {result.CpuClass} "
            + $"({result.Differences}; {result.LogitsOutOfTolerance} logits beyond tolerance; set made on {result.ProducedOn}): "
            + $"it does not answer here as it did at promote; {advice}");
}

/// <summary>What the golden check of a loaded version found: every check run (an int8 that failed, then the FP32 used instead),
/// the one-line summary of the model in use, and, after a fallback, the one line saying why.</summary>
public sealed record GoldenOutcome(IReadOnlyList<GoldenCheckResult> Checks, string Summary, string? Fallback);

/// <summary>A loaded model that passed its golden check (or has none), the file it came from, and what the check found.</summary>
public sealed record CheckedModel(OnnxDigitModel Model, PrecisionChoice Choice, GoldenOutcome Golden);

/// <summary>A version's model answers other than at promote on this CPU: not to be scored or served with.</summary>
public sealed class GoldenCheckFailedException(string message) : Exception(message);
