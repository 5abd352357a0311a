namespace DigitForge.Training.Loop;

/// <summary>One epoch's numbers. Accuracies are fractions in [0, 1]; losses are mean cross-entropy
/// per image; <see cref="LearningRate"/> is the rate the epoch trained with.</summary>
public sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double ValLoss,
    double ValAccuracy,
    double LearningRate,
    double Seconds)
{
    /// <summary>Training images per second of the epoch's training pass (augmentation, forward,
    /// backward and optimiser step; validation excluded).</summary>
    public double TrainImagesPerSecond { get; init; }

    /// <summary>Whether this epoch's weights are (so far) the best and were kept.</summary>
    public bool IsBest { get; init; }

    /// <summary>Where the epoch's time went.</summary>
    public required EpochPhases Phases { get; init; }

    /// <summary>What the caller's probe measured on the epoch's weights (a benchmark's test accuracy); not measured by a build.</summary>
    [Newtonsoft.Json.JsonProperty(NullValueHandling = Newtonsoft.Json.NullValueHandling.Ignore)]
    public double? Probe { get; init; }
}

/// <summary>What a training run did. The weights of <see cref="BestEpoch"/> are in <see cref="WeightsPath"/>.</summary>
public sealed record TrainingResult
{
    public required IReadOnlyList<EpochRecord> History { get; init; }

    /// <summary>1-based epoch whose weights were kept.</summary>
    public required int BestEpoch { get; init; }

    public required double BestValAccuracy { get; init; }

    public required int EpochsRun { get; init; }

    public required bool StoppedEarly { get; init; }

    public required double TotalSeconds { get; init; }

    public required long TrainableParameters { get; init; }

    /// <summary>Full path of the <c>model.weights</c> written.</summary>
    public required string WeightsPath { get; init; }
}
