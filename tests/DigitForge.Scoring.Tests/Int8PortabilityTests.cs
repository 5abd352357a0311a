namespace DigitForge.Scoring.Tests;

/// <summary>
/// An int8 model gives the same answers on a CPU whose integer kernels sum u8×s8 products in pairs of
/// saturating int16 (AVX2's VPMADDUBSW, and AVX-512BW's without VNNI) as on this one: the export keeps
/// every pair sum within int16, so the integer part is exact everywhere. The AVX2 CPU is emulated
/// (qemu user mode answers CPUID as a Haswell does, so ONNX Runtime picks its AVX2 kernels), which
/// needs no such machine; a CPU that itself lacks VNNI runs the same kernels natively and emulated.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(ScoringModelCollection.Name)]
public sealed class Int8PortabilityTests(ScoringModel model) : IDisposable
{
    private const int Images = 300;

    // Only float parts (dequantized logits, softmax) may differ between kernel sets: rounding, not saturation.
    private const double ConfidenceTolerance = 1e-5;

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [SkippableFact]
    public void Int8_scores_the_same_on_an_avx2_only_cpu()
    {
        var qemu = Prerequisites.Qemu.Require();
        var images = Directory.CreateDirectory(dir.File("images")).FullName;
        var test = TestData.TestSplit;
        for (var i = 0; i < Images; i++)
        {
            ImageFiles.Write(images, $"{i:D4}.png", ImageFiles.GreyPng(Digit.Side, Digit.Side, test.Image(i)));
        }

        var here = ScoreTool.Run(dir.Path, images, "--model", model.Int8Path, "--out", dir.File("here.csv"));
        here.ExitCode.Should().Be(0, here.ToString());
        var avx2 = ScoreTool.RunEmulated(qemu, "Haswell", dir.Path, images, "--model", model.Int8Path, "--out", dir.File("avx2.csv"));
        avx2.ExitCode.Should().Be(0, avx2.ToString());

        var (expected, actual) = (Predictions(dir.File("here.csv")), Predictions(dir.File("avx2.csv")));
        actual.Keys.Should().BeEquivalentTo(expected.Keys);
        var differing = expected.Where(e => actual[e.Key].Label != e.Value.Label || Math.Abs(actual[e.Key].Confidence - e.Value.Confidence) > ConfidenceTolerance)
            .Select(e => $"{e.Key}: here {e.Value}, AVX2 {actual[e.Key]}").ToList();
        differing.Should().BeEmpty($"the int8 model's integer arithmetic must not depend on the CPU ({differing.Count} of {expected.Count} images differ)");
    }

    // Read back by the tool's own result reader; an error row has no prediction and so differs.
    private static Dictionary<string, (string? Label, double Confidence)> Predictions(string csv) =>
        Scorer.Rows(csv).ToDictionary(row => Path.GetFileName(row.Path), row => (row.Prediction?.Label, (double)(row.Prediction?.Probability ?? float.NaN)));
}
