namespace DigitForge.Monitoring;

/// <summary>What a pipeline predicts, which decides its live figures.</summary>
public enum PredictionKind
{
    /// <summary>A label out of <see cref="IMonitoredPipeline.Classes"/>: live accuracy, PSI of labels and confidences.</summary>
    Classification,

    /// <summary>A number: live MAE and Spearman, PSI of the predicted values.</summary>
    Regression,
}

/// <summary>A pipeline whose predictions are logged and monitored: it declares what it predicts, its classes and its <c>monitor</c> section.</summary>
public interface IMonitoredPipeline
{
    string Name { get; }

    PredictionKind Predicts { get; }

    /// <summary>The labels a classification predicts (feedback outside them is counted and refused); empty for a regression.</summary>
    IReadOnlyList<string> Classes { get; }

    /// <summary>The recipe's <c>monitor</c> section.</summary>
    MonitorConfig Monitor(object config);

    /// <summary>The test-split figure a version was promoted with, from its registry metrics: accuracy, or MAE for a regression; null when not recorded.</summary>
    double? PromotedFigure(Registry.ModelMetrics metrics);
}

/// <summary>A monitored pipeline whose labelled feedback can become training data (<c>digitforge feedback export</c>).</summary>
public interface IFeedbackExporter
{
    /// <summary>
    /// Writes the predictions of <paramref name="window"/> that have valid ground truth, with it, as a feedback snapshot under
    /// <paramref name="paths"/>' feedback folder, in the form the pipeline's ingest produces; the same data gives the same snapshot.
    /// </summary>
    Feedback.FeedbackManifest ExportFeedback(Store.IMonitorStore store, object config, Engine.Pipelines.PipelinePaths paths, Feedback.FeedbackWindow window);

    /// <summary>The snapshot ids the recipe's <c>data.feedback</c> names, in its order; none when it names none.</summary>
    IReadOnlyList<string> FeedbackIds(object config);
}

/// <summary>A monitored pipeline that fetches its own ground truth once it has settled (<c>digitforge outcomes</c>).</summary>
public interface IOutcomeSource
{
    /// <summary>Records the outcome of every logged prediction that had settled by <paramref name="now"/> (the recipe's <c>monitor.settleHours</c>).</summary>
    Feedback.GroundTruthReport RecordOutcomes(Store.IMonitorStore store, object config, DateTimeOffset now);

    /// <summary>The newest prediction time whose outcome counts as settled at <paramref name="now"/>.</summary>
    DateTimeOffset SettledBefore(object config, DateTimeOffset now);
}
