using DigitForge.Data;
using DigitForge.Inference;
using DigitForge.Inference.Golden;

namespace DigitForge.Tests.Shared;

/// <summary>Golden sets for tests, made by the product's own <see cref="GoldenSet"/> from real models on this machine.</summary>
internal static class GoldenFiles
{
    /// <summary>
    /// Writes the golden set of the ONNX files <paramref name="onnxPaths"/> (an fp32 model first) to <paramref name="path"/>,
    /// its images chosen from <paramref name="test"/> as Promote chooses them. <paramref name="tamper"/> changes the set before
    /// it is written, as a set recorded on a CPU that answers otherwise would differ.
    /// </summary>
    public static void Write(string path, LabelledImages test, IEnumerable<string> onnxPaths, Action<GoldenSet>? tamper = null)
    {
        var models = new List<OnnxDigitModel>();
        try
        {
            models.AddRange(onnxPaths.Select(p => OnnxDigitModel.Load(p)));
            var set = GoldenSet.Create(test, GoldenSet.Choose(models[0].Logits(test), models[0].Classes), models);
            tamper?.Invoke(set);
            set.Write(path);
        }
        finally
        {
            models.ForEach(m => m.Dispose());
        }
    }

    /// <summary>Records another top-1 for the first image of <paramref name="precision"/>.</summary>
    public static Action<GoldenSet> FlipTopOne(string precision) => set =>
    {
        var top1 = set.Precisions[precision].Top1;
        top1[0] = (top1[0] + 1) % set.Classes;
    };

    /// <summary>Moves one recorded logit of <paramref name="precision"/> by <paramref name="by"/>, its top-1 left as it is.</summary>
    public static Action<GoldenSet> ShiftLogit(string precision, float by) => set =>
    {
        var expected = set.Precisions[precision];
        var row = expected.Logits[0];

        // A class other than the top-1, moved down, so the recorded top-1 still holds.
        var k = (expected.Top1[0] + 1) % set.Classes;
        row[k] -= by;
    };
}
