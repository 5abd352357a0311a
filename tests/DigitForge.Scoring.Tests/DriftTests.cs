using DigitForge.Engine.Storage;
using DigitForge.Inference;
using DigitForge.Inference.Drift;
using DigitForge.Scoring.Pipeline;

namespace DigitForge.Scoring.Tests;

/// <summary>
/// Drift against the model's test-set reference (written beside the ONNX file as a Promote does):
/// the test split itself is not drift; a folder of one digit only, or of noise, is.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(ScoringModelCollection.Name)]
public sealed class DriftTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly string onnxPath;

    public DriftTests(ScoringModel model)
    {
        onnxPath = dir.File("model/model.onnx");
        Directory.CreateDirectory(dir.File("model"));
        File.Copy(model.OnnxPath, onnxPath);
        using var onnx = OnnxDigitModel.Load(onnxPath);
        var reference = new PredictionProfileBuilder(onnx.Classes);
        reference.AddLogits(onnx.Logits(TestData.TestSplit));
        JsonFile.Write(dir.File("model/" + PredictionProfile.FileName), reference.Build());
    }

    public void Dispose() => dir.Dispose();

    [Fact]
    public void The_test_split_is_not_drift()
    {
        var split = TestData.TestSplit;
        for (var i = 0; i < split.Count; i++)
        {
            ImageFiles.Write(dir.File("split"), $"{i:D4}.png", ImageFiles.GreyPng(Digit.Side, Digit.Side, split.Image(i)));
        }

        var drift = Drift("split");

        drift.Drifted.Should().BeFalse(drift.ToString());
        drift.LabelPsi.Should().BeLessThan(0.01, "raw scoring reproduces the reference's predictions");
    }

    [Fact]
    public void A_folder_of_one_digit_is_drift_and_the_tool_says_so_with_exit_code_5()
    {
        var split = TestData.TestSplit;
        var ones = Enumerable.Range(0, split.Count).Where(i => split.Labels[i] == 1).Take(150).ToList();
        foreach (var i in ones)
        {
            ImageFiles.Write(dir.File("ones"), $"{i:D4}.png", ImageFiles.GreyPng(Digit.Side, Digit.Side, split.Image(i)));
        }

        Drift("ones").LabelPsi.Should().BeGreaterThan(DriftCheck.DefaultThreshold);

        var tool = ScoreTool.Run(dir.Path, dir.File("ones"), "--model", onnxPath, "--out", dir.File("tool.csv"), "--fail-on-drift");
        tool.ExitCode.Should().Be(5, tool.Output + tool.Error);
        tool.Output.Should().MatchRegex(@"drift: DETECTED \(label PSI \d+\.\d{3}, confidence PSI \d+\.\d{3}, threshold 0\.25, 150 images\)");
    }

    [Fact]
    public void A_folder_of_noise_is_drift()
    {
        var random = new Random(5);
        for (var i = 0; i < 100; i++)
        {
            var pixels = new byte[Digit.Side * Digit.Side];
            random.NextBytes(pixels);
            ImageFiles.Write(dir.File("noise"), $"{i:D3}.png", ImageFiles.GreyPng(Digit.Side, Digit.Side, pixels));
        }

        Drift("noise").Drifted.Should().BeTrue();
    }

    private DriftCheck Drift(string folder)
    {
        using var run = ScoringRun.Prepare(new ScoringRequest
        {
            Folder = dir.File(folder),
            Model = onnxPath,
            Output = dir.File(folder + ".csv"),
            Settings = new ScoringSettings { Preprocess = false },
        });
        run.RunAsync(null, CancellationToken.None).GetAwaiter().GetResult();
        return run.Drift ?? throw new InvalidOperationException("no drift check: the reference was not found");
    }
}
