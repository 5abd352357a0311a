using DigitForge.Data;
using DigitForge.Engine.Storage;
using Microsoft.ML.OnnxRuntime;

namespace DigitForge.Inference.Golden;

/// <summary>
/// A version's golden set: a few dozen fixed test-split images (raw pixels) and, for each precision the
/// version has, the top-1 and logits ONNX Runtime gave at promote, on <see cref="CpuClass"/>. Loading the
/// version elsewhere runs the images again (<see cref="GoldenCheck"/>), so a CPU whose kernels compute
/// other answers is found before it scores anything.
/// </summary>
public sealed record GoldenSet(int Schema, string CpuClass, string OnnxRuntime, int Rows, int Columns, int Classes, GoldenImage[] Images, Dictionary<string, GoldenExpectation> Precisions)
{
    public const int CurrentSchema = 1;

    /// <summary>Images in a set written at promote (fewer only when fewer test images are safe to choose, see <see cref="Choose"/>).</summary>
    public const int Size = 48;

    /// <summary>The share of <see cref="Size"/> taken from the lowest-margin images; the rest are spread over the split.</summary>
    private const int LowMarginShare = 4;

    /// <summary>
    /// The test-split images a set holds, all with a top-1 margin in <paramref name="logits"/> that a deviation within
    /// <see cref="GoldenCheck.Tolerance"/> cannot close (so a passing check never hinges on a near tie): the
    /// <see cref="Size"/>/<see cref="LowMarginShare"/> with the smallest such margin, the hard cases, then evenly spaced
    /// ones up to <see cref="Size"/>. Deterministic: the same logits give the same indices, in ascending order.
    /// </summary>
    public static int[] Choose(ReadOnlySpan<float> logits, int classes)
    {
        var count = logits.Length / classes;
        var safe = new List<(double Margin, int Index)>();
        for (var i = 0; i < count; i++)
        {
            var (top, second) = TopTwo(logits.Slice(i * classes, classes));
            var margin = top - second;
            // Two logits each moving by their tolerance close the gap by at most the sum; twice that is safe.
            if (margin > 2 * (GoldenCheck.Tolerance(top) + GoldenCheck.Tolerance(second)))
            {
                safe.Add((margin, i));
            }
        }

        var size = Math.Min(Size, safe.Count);
        var chosen = new SortedSet<int>(safe.OrderBy(m => m.Margin).ThenBy(m => m.Index).Take(size / LowMarginShare).Select(m => m.Index));
        var stride = (double)safe.Count / size;
        for (var k = 0; chosen.Count < size; k++)
        {
            // Evenly spaced over the safe images, stepping past any already chosen.
            var at = (int)(k * stride) % safe.Count;
            while (!chosen.Add(safe[at].Index))
            {
                at = (at + 1) % safe.Count;
            }
        }

        return [.. chosen];
    }

    /// <summary>The set for <paramref name="indices"/> of <paramref name="test"/>, with each model's answers
    /// (its <see cref="OnnxDigitModel.Precision"/> names its entry), produced on this CPU.</summary>
    public static GoldenSet Create(LabelledImages test, IReadOnlyList<int> indices, IEnumerable<OnnxDigitModel> models)
    {
        var images = test.Subset(indices);
        var precisions = new Dictionary<string, GoldenExpectation>(StringComparer.Ordinal);
        var classes = 0;
        foreach (var model in models)
        {
            classes = model.Classes;
            var logits = model.Logits(images);
            precisions.Add(model.Precision, new GoldenExpectation(
                OnnxDigitModel.Predictions(logits, classes),
                [.. Enumerable.Range(0, images.Count).Select(i => logits.AsSpan(i * classes, classes).ToArray())]));
        }

        return new GoldenSet(
            CurrentSchema,
            DigitForge.Inference.CpuClass.Current,
            OrtEnv.Instance().GetVersionString(),
            test.Rows,
            test.Columns,
            classes,
            [.. indices.Select((index, i) => new GoldenImage(index, images.Labels[i], images.Image(i).ToArray()))],
            precisions);
    }

    public void Write(string path) => JsonFile.Write(path, this);

    /// <summary>Reads and checks <paramref name="path"/>; anything malformed is an <see cref="InvalidDataException"/> naming the file and what was expected.</summary>
    public static GoldenSet Read(string path)
    {
        var set = JsonFile.Read<GoldenSet>(path);
        return set.Problem() is { } problem ? throw new InvalidDataException($"{path}: not a usable golden set: expected {problem}") : set;
    }

    /// <summary>The answers expected of a model of <paramref name="precision"/> ("fp32", "int8"), or null when the set has none.</summary>
    public GoldenExpectation? For(string precision) => Precisions.GetValueOrDefault(precision);

    // Fields a hand-edited or truncated file may lack are null here, whatever the declared types say.
    private string? Problem()
    {
        if (Schema != CurrentSchema)
        {
            return $"schema {CurrentSchema}, found schema {Schema}";
        }

        if (string.IsNullOrEmpty(CpuClass))
        {
            return "the CPU class it was made on (cpuClass)";
        }

        if (Rows <= 0 || Columns <= 0 || Classes <= 0)
        {
            return $"positive rows, columns and classes, found {Rows}, {Columns}, {Classes}";
        }

        // Empty is allowed: a model with no top-1 margin safely above the tolerance leaves nothing to choose.
        if (Images is null)
        {
            return "images";
        }

        if (Precisions is null || Precisions.Count == 0)
        {
            return "the answers of at least one precision (precisions)";
        }

        for (var i = 0; i < Images.Length; i++)
        {
            if (Images[i]?.Pixels?.Length != Rows * Columns)
            {
                return $"images[{i}].pixels to hold {Rows}x{Columns} = {Rows * Columns} bytes (base64), found {Images[i]?.Pixels?.Length ?? 0}";
            }
        }

        return Precisions.Select(p => p.Value is null ? $"the answers of precision '{p.Key}'" : p.Value.Problem(p.Key, Images.Length, Classes)).FirstOrDefault(p => p is not null);
    }

    private static (float Top, float Second) TopTwo(ReadOnlySpan<float> row)
    {
        float top = float.NegativeInfinity, second = float.NegativeInfinity;
        foreach (var value in row)
        {
            if (value > top)
            {
                (top, second) = (value, top);
            }
            else if (value > second)
            {
                second = value;
            }
        }

        return (top, second);
    }
}

/// <summary>One image of a golden set: where it is in the test split, its label, and its raw pixels (base64 in the file).</summary>
public sealed record GoldenImage(int TestIndex, int Label, byte[] Pixels);

/// <summary>What one precision's model answered for each image of the set at promote.</summary>
public sealed record GoldenExpectation(int[] Top1, float[][] Logits)
{
    internal string? Problem(string precision, int images, int classes) =>
        Top1?.Length != images ? $"precisions.{precision}.top1 to hold {images} labels, found {Top1?.Length ?? 0}"
        : Top1.Any(t => t < 0 || t >= classes) ? $"precisions.{precision}.top1 to hold labels 0 to {classes - 1}"
        : Logits?.Length != images || Logits.Any(row => row?.Length != classes) ? $"precisions.{precision}.logits to hold {images} rows of {classes}"
        : null;
}
