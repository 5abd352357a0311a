using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Tests;

/// <summary>A featurizer and a small model trained once on <see cref="SampleStories"/> and shared by the tests of a class.</summary>
public sealed class TrainedModel : IDisposable
{
    private readonly TempDirectory _folder = new();

    public TrainedModel()
    {
        Featurizer.Fit(Train, Features, FeaturizeDirectory);
        Record = NewsTrainer.Train(Train, FeaturizerPath, TrainConfig, TrainDirectory);
    }

    public static FeaturesConfig Features => new();

    // Few trees: the sample's pattern is plain, and tests should be quick.
    public static NewsTrainConfig TrainConfig => new() { Trees = 60 };

    public IReadOnlyList<Story> Train { get; } = SampleStories.Make(800, seed: 1);

    public IReadOnlyList<Story> Test { get; } = SampleStories.Make(200, seed: 2, firstId: 5000);

    public TrainingRecord Record { get; }

    public string FeaturizeDirectory => _folder.File("Featurize");

    public string FeaturizerPath => Path.Combine(FeaturizeDirectory, Featurizer.ModelFile);

    public string TrainDirectory => _folder.File("Train");

    public string Scratch(string name) => _folder.File(name);

    public void Dispose() => _folder.Dispose();
}
