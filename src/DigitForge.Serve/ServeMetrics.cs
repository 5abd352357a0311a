using System.Globalization;
using DigitForge.Inference.Drift;
using Prometheus;

namespace DigitForge.Serve;

/// <summary>
/// The service's Prometheus metrics (prometheus-net) at /metrics: requests, latency, predictions per label,
/// confidence, the model served, and live drift of recent predictions against the model's test-set reference.
/// Each app has its own <see cref="CollectorRegistry"/>, so several services in one process never share a count.
/// </summary>
internal sealed partial class ServeMetrics
{
    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Counter requests;
    private readonly Counter errors;
    private readonly Counter imageErrors;
    private readonly Counter swaps;
    private readonly Counter reloadFailures;
    private readonly Counter predictions;
    private readonly Histogram duration;
    private readonly Histogram confidence;
    private readonly Gauge modelInfo;
    private readonly Gauge drift;
    private readonly Gauge driftWindow;
    private readonly Gauge goldenPassed;
    private readonly Gauge pipelineModel;
    private readonly Counter pipelinePredictions;
    private readonly Counter feedback;
    private readonly Gauge liveAccuracy;
    private readonly Gauge liveMae;
    private readonly Gauge liveOutcomes;
    private readonly Dictionary<(string Pipeline, string Version), OutcomeWindow> outcomes = [];
    private readonly int feedbackWindow;
    private readonly int windowSize;
    private readonly ILogger<ServeMetrics> logger;
    private readonly Lock gate = new();
    private LoadedModel? model;
    private PredictionWindow? window;
    private bool drifted;

    public ServeMetrics(ServeOptions options, ILogger<ServeMetrics> logger)
    {
        this.logger = logger;
        windowSize = options.DriftWindow;
        feedbackWindow = options.FeedbackWindow;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        requests = factory.CreateCounter("digitforge_http_requests_total", "HTTP requests by method, route and status.", "method", "route", "status");
        errors = factory.CreateCounter("digitforge_http_errors_total", "HTTP responses with status 400 or above.");
        imageErrors = factory.CreateCounter("digitforge_image_errors_total", "Images that could not be scored (single and batch requests).");
        duration = factory.CreateHistogram("digitforge_http_request_duration_seconds", "Request latency.", new HistogramConfiguration { Buckets = LatencyBuckets });
        swaps = factory.CreateCounter("digitforge_model_swaps_total", "Production models loaded and swapped in.");
        reloadFailures = factory.CreateCounter("digitforge_model_reload_failures_total",
            "Registry reads or production models that could not be loaded; the model served before stays.");
        modelInfo = factory.CreateGauge("digitforge_model_info", "The model being served (always 1; its version in the labels).", "version", "onnx_version");
        predictions = factory.CreateCounter("digitforge_predictions_total", "Images predicted, by predicted label.", "label");
        confidence = factory.CreateHistogram("digitforge_prediction_confidence", "Top probability of each prediction.",
            new HistogramConfiguration { Buckets = [.. PredictionProfile.ConfidenceEdges.Skip(1)] });
        drift = factory.CreateGauge("digitforge_drift_psi",
            "Population stability index of the recent predictions against the model's test-set reference (reference.json): over the predicted labels or the confidence bins. Above 0.25 is a large shift.",
            "profile");
        driftWindow = factory.CreateGauge("digitforge_drift_window_predictions", "Predictions in the sliding window that digitforge_drift_psi is measured on.");
        goldenPassed = factory.CreateGauge("digitforge_golden_check_passed",
            "1 when the model of this precision reproduced its version's golden set on this CPU class at load, 0 when it did not (int8 then gives way to fp32). No series for a version without a golden set.",
            "precision", "cpu_class");
        pipelineModel = factory.CreateGauge("digitforge_pipeline_model_info", "The model each pipeline serves at /v1/<pipeline>/ (always 1; its version in the labels).", "pipeline", "version");
        pipelinePredictions = factory.CreateCounter("digitforge_pipeline_predictions_total", "Predictions made at /v1/<pipeline>/predict.", "pipeline");
        feedback = factory.CreateCounter("digitforge_feedback_total",
            "Outcomes posted to /v1/<pipeline>/feedback, by result: recorded, or why refused (unknown id, label outside the classes, bad request).", "pipeline", "result");
        liveAccuracy = factory.CreateGauge("digitforge_live_accuracy",
            "Share of the last --feedback-window outcomes of a classifier's version whose label the prediction got right.", "pipeline", "version");
        liveMae = factory.CreateGauge("digitforge_live_mae",
            "Mean absolute error of the last --feedback-window outcomes of a regression's version.", "pipeline", "version");
        liveOutcomes = factory.CreateGauge("digitforge_live_outcomes", "Outcomes in the window the live accuracy or MAE is measured on.", "pipeline", "version");
        Registry.AddBeforeCollectCallback(UpdateDrift);
    }

    public CollectorRegistry Registry { get; }

    public void Request(string method, string route, int status, double seconds)
    {
        requests.WithLabels(method, route, status.ToString(CultureInfo.InvariantCulture)).Inc();
        if (status >= 400)
        {
            errors.Inc();
        }

        duration.Observe(seconds);
    }

    public void ImageFailed() => imageErrors.Inc();

    public void PipelineSwapped(string pipeline, string version, string? previous)
    {
        swaps.Inc();
        if (previous is not null)
        {
            pipelineModel.RemoveLabelled(pipeline, previous);
        }

        pipelineModel.WithLabels(pipeline, version).Set(1);
    }

    public void PipelinePredicted(string pipeline) => pipelinePredictions.WithLabels(pipeline).Inc();

    /// <summary>A feedback request refused (<paramref name="why"/>) or recorded.</summary>
    public void Feedback(string pipeline, string why) => feedback.WithLabels(pipeline, why).Inc();

    /// <summary>
    /// An outcome recorded for a prediction of <paramref name="version"/>: <paramref name="score"/> is 1 or 0 (a label
    /// right or wrong; <paramref name="classifier"/>) or the absolute error of a value, and the live gauge moves to the window's mean.
    /// </summary>
    public void Outcome(string pipeline, string version, bool classifier, double score)
    {
        feedback.WithLabels(pipeline, "recorded").Inc();
        lock (gate)
        {
            if (!outcomes.TryGetValue((pipeline, version), out var window))
            {
                outcomes[(pipeline, version)] = window = new OutcomeWindow(feedbackWindow);
            }

            window.Add(score);
            (classifier ? liveAccuracy : liveMae).WithLabels(pipeline, version).Set(window.Mean);
            liveOutcomes.WithLabels(pipeline, version).Set(window.Count);
        }
    }

    /// <summary>A reload failed: without this count a broken promotion is visible only in the log.</summary>
    public void ReloadFailed() => reloadFailures.Inc();

    /// <summary>A new model is served: its info series replaces the old one, its labels start at 0 and drift is measured afresh.</summary>
    public void ModelSwapped(LoadedModel loaded)
    {
        swaps.Inc();
        lock (gate)
        {
            if (model is not null)
            {
                modelInfo.RemoveLabelled(model.Name, model.Model.Version);
                foreach (var check in model.Golden?.Checks ?? [])
                {
                    goldenPassed.RemoveLabelled(check.Precision, check.CpuClass);
                }
            }

            model = loaded;
            modelInfo.WithLabels(loaded.Name, loaded.Model.Version).Set(1);
            foreach (var check in loaded.Golden?.Checks ?? [])
            {
                goldenPassed.WithLabels(check.Precision, check.CpuClass).Set(check.Passed ? 1 : 0);
            }

            foreach (var label in loaded.Model.Labels)
            {
                predictions.WithLabels(label);
            }

            // A reference that does not line up with the model's labels cannot be compared.
            drifted = false;
            window = loaded.Reference is { } reference && reference.LabelShares.Count == loaded.Model.Classes
                ? new PredictionWindow(windowSize, reference)
                : null;
            if (window is null)
            {
                drift.RemoveLabelled("label");
                drift.RemoveLabelled("confidence");
            }
        }
    }

    public void Predicted(LoadedModel by, IReadOnlyList<Prediction> answers)
    {
        foreach (var answer in answers)
        {
            predictions.WithLabels(answer.Label).Inc();
            confidence.Observe(answer.Confidence);
        }

        lock (gate)
        {
            // A request that started before a swap does not count towards the new model's drift.
            if (window is null || !ReferenceEquals(by, model))
            {
                return;
            }

            foreach (var answer in answers)
            {
                window.Add(IndexOf(by.Model.Labels, answer.Label), answer.Confidence);
            }

            // Logged when a full window crosses the threshold either way, not per request.
            if (window.Count == windowSize && window.Check() is var check && check.Drifted != drifted)
            {
                drifted = check.Drifted;
                if (drifted)
                {
                    LogDrift(logger, by.Name, check.LabelPsi, check.ConfidencePsi, check.Threshold, check.Observed);
                }
                else
                {
                    LogDriftEnded(logger, by.Name, check.LabelPsi, check.ConfidencePsi, check.Threshold, check.Observed);
                }
            }
        }
    }

    public Task ExportAsync(Stream output, CancellationToken token) => Registry.CollectAndExportAsTextAsync(output, token);

    private void UpdateDrift()
    {
        lock (gate)
        {
            driftWindow.Set(window?.Count ?? 0);
            if (window is { Count: > 0 })
            {
                var check = window.Check();
                drift.WithLabels("label").Set(check.LabelPsi);
                drift.WithLabels("confidence").Set(check.ConfidencePsi);
            }
        }
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label)
            {
                return i;
            }
        }

        throw new ArgumentException($"label '{label}' is not one of the model's labels", nameof(label));
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning,
        Message = "Drift: the last {Window} predictions of {ModelVersion} differ from its reference (label PSI {LabelPsi:0.000}, confidence PSI {ConfidencePsi:0.000}, threshold {Threshold})")]
    private static partial void LogDrift(ILogger logger, string modelVersion, double labelPsi, double confidencePsi, double threshold, int window);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information,
        Message = "Drift over: the last {Window} predictions of {ModelVersion} match its reference again (label PSI {LabelPsi:0.000}, confidence PSI {ConfidencePsi:0.000}, threshold {Threshold})")]
    private static partial void LogDriftEnded(ILogger logger, string modelVersion, double labelPsi, double confidencePsi, double threshold, int window);
}
