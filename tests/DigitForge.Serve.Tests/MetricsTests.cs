using System.Globalization;
using System.Text.RegularExpressions;
using DigitForge.Inference.Drift;

namespace DigitForge.Serve.Tests;

/// <summary>/metrics after real predictions: per-label counts, the confidence histogram, the model and live drift.</summary>
[Trait("Category", "Unit")]
[Collection(ServeModelsCollection.Name)]
public sealed partial class MetricsTests(ServeModels models) : IDisposable
{
    // The test-set reference the version carries: every digit alike, every answer confident.
    private static readonly PredictionProfile Reference = new(1000, [.. Enumerable.Repeat(0.1, 10)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

    private readonly TempDirectory directory = new();

    [Fact]
    public async Task Predictions_are_counted_per_label_with_their_confidence_and_drift_against_the_reference()
    {
        var version = ServeModels.AddVersion(directory.Path, models.First, "with-reference", 0.95, Reference);
        ServeModels.Promote(directory.Path, version);
        await using var service = await RunningService.StartAsync(RunningService.Options(directory.Path) with { LogRequests = false, DriftWindow = 8 });

        var expected = new int[10];
        var window = new List<(int Label, double Confidence)>();
        foreach (var (png, _) in models.Digits.Take(6))
        {
            var json = await RunningService.JsonAsync(await service.PostImageAsync("/v1/predict", png));
            Record(json.GetProperty("label").GetString()!, json.GetProperty("confidence").GetDouble());
        }

        var batch = await RunningService.JsonAsync(await service.Client.PostAsync("/v1/predict/batch",
            RunningService.Form([.. models.Digits.Skip(6).Take(4).Select((d, i) => ($"{i}.png", d.Png))])));
        foreach (var result in batch.GetProperty("results").EnumerateArray())
        {
            var prediction = result.GetProperty("prediction");
            Record(prediction.GetProperty("label").GetString()!, prediction.GetProperty("confidence").GetDouble());
        }

        var text = await service.Client.GetStringAsync("/metrics");
        for (var label = 0; label < 10; label++)
        {
            Value(text, $"digitforge_predictions_total{{label=\"{label}\"}}").Should().Be(expected[label], $"label {label} was predicted {expected[label]} times");
        }

        text.Should().Contain("# TYPE digitforge_prediction_confidence histogram");
        Value(text, "digitforge_prediction_confidence_count").Should().Be(10);
        Value(text, "digitforge_prediction_confidence_bucket{le=\"+Inf\"}").Should().Be(10);
        Value(text, "digitforge_prediction_confidence_bucket{le=\"0.5\"}").Should().Be(window.Count(w => w.Confidence <= 0.5));
        Value(text, "digitforge_prediction_confidence_sum").Should().BeApproximately(window.Sum(w => w.Confidence), 1e-4);
        text.Should().MatchRegex("digitforge_model_info\\{version=\"v0001-[0-9a-f]+\",onnx_version=\"serve-tests-1\"\\} 1");

        // Drift is measured on the last 8 of the 10 predictions, as digitforge-score measures a folder.
        var observed = new PredictionProfileBuilder(10);
        foreach (var (label, confidence) in window.TakeLast(8))
        {
            observed.Add(label, confidence);
        }

        var check = DriftCheck.Compare(Reference, observed.Build());
        Value(text, "digitforge_drift_window_predictions").Should().Be(8);
        Value(text, "digitforge_drift_psi{profile=\"label\"}").Should().BeApproximately(check.LabelPsi, 1e-9);
        Value(text, "digitforge_drift_psi{profile=\"confidence\"}").Should().BeApproximately(check.ConfidencePsi, 1e-9);
        check.LabelPsi.Should().BeGreaterThan(0, "ten images cannot spread over ten labels as evenly as the reference");

        void Record(string label, double confidence)
        {
            var index = int.Parse(label, CultureInfo.InvariantCulture);
            expected[index]++;
            window.Add((index, confidence));
        }
    }

    [Fact]
    public async Task A_model_without_a_reference_has_no_drift_series_and_each_service_counts_alone()
    {
        models.CreateRegistry(directory.Path);
        await using var first = await RunningService.StartAsync(RunningService.Options(directory.Path) with { LogRequests = false });
        await using var second = await RunningService.StartAsync(RunningService.Options(directory.Path) with { LogRequests = false });
        var json = await RunningService.JsonAsync(await first.PostImageAsync("/v1/predict", models.Digits[0].Png));
        var label = json.GetProperty("label").GetString();

        var firstText = await first.Client.GetStringAsync("/metrics");
        var secondText = await second.Client.GetStringAsync("/metrics");
        Value(firstText, $"digitforge_predictions_total{{label=\"{label}\"}}").Should().Be(1);
        Value(secondText, $"digitforge_predictions_total{{label=\"{label}\"}}").Should().Be(0, "each service has its own registry of metrics");
        firstText.Should().NotContain("digitforge_drift_psi{");
        Value(firstText, "digitforge_drift_window_predictions").Should().Be(0);
    }

    public void Dispose() => directory.Dispose();

    /// <summary>The value of one series in Prometheus text; fails when the series is missing.</summary>
    private static double Value(string text, string series)
    {
        var match = Regex.Match(text, "^" + Regex.Escape(series) + " (\\S+)$", RegexOptions.Multiline);
        match.Success.Should().BeTrue($"/metrics has the series {series}:\n{text}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
