using DigitForge.Data;
using DigitForge.Inference.Golden;
using DigitForge.Training.Onnx;
using Newtonsoft.Json.Linq;

namespace DigitForge.Inference.Tests;

/// <summary>Golden sets made from real trained models, read back from their files and checked through ONNX Runtime.</summary>
[Trait("Category", "Unit")]
[Collection(TrainedModelsCollection.Name)]
public sealed class GoldenCheckTests(TrainedModels models) : IDisposable
{
    private static readonly LabelledImages Test = TrainedModels.Holdout(1000);
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Choose_is_deterministic_and_takes_the_lowest_margins_a_deviation_within_tolerance_cannot_flip()
    {
        using var model = OnnxDigitModel.Load(models.WithBatchNorm.OnnxPath);
        var logits = model.Logits(Test);

        var chosen = GoldenSet.Choose(logits, model.Classes);

        chosen.Should().Equal(GoldenSet.Choose(logits, model.Classes)).And.HaveCount(GoldenSet.Size).And.OnlyHaveUniqueItems().And.BeInAscendingOrder();
        var margins = Enumerable.Range(0, Test.Count).Select(i => Margin(logits.AsSpan(i * 10, 10))).ToArray();
        var safe = margins.Select((m, i) => (m.Margin, Index: i)).Where(m => m.Margin > 2 * (GoldenCheck.Tolerance(margins[m.Index].Top) + GoldenCheck.Tolerance(margins[m.Index].Second))).ToList();
        var lowest = safe.OrderBy(m => m.Margin).Take(GoldenSet.Size / 4).Select(m => m.Index);
        chosen.Should().Contain(lowest, "a quarter of the set is the hardest images whose top-1 is still stable within tolerance");
        chosen.Should().BeSubsetOf(safe.Select(s => s.Index), "no near tie is chosen");
    }

    [Fact]
    public void Fp32_and_int8_models_pass_their_own_golden_set_read_back_from_the_file()
    {
        var (fp32, int8) = (models.WithBatchNorm.OnnxPath, ExportInt8());
        var path = dir.File("golden-set.json");
        GoldenFiles.Write(path, Test, [fp32, int8]);

        var set = GoldenSet.Read(path);

        set.CpuClass.Should().Be(CpuClass.Current);
        set.Precisions.Keys.Should().BeEquivalentTo("fp32", "int8");
        foreach (var onnx in new[] { fp32, int8 })
        {
            using var model = OnnxDigitModel.Load(onnx, intraOpThreads: 1);
            var result = GoldenCheck.Run(model, set, path)!;
            result.Should().BeEquivalentTo(new { model.Precision, CpuClass = CpuClass.Current, ProducedOn = CpuClass.Current, Images = GoldenSet.Size, Mismatches = 0, LogitsOutOfTolerance = 0, Passed = true });
            result.MaxLogitDeviation.Should().BeLessThan(1e-4, "the same CPU class, one thread instead of ONNX Runtime's default: at most float rounding");
            result.Summary.Should().StartWith($"golden check: {model.Precision} passed on {CpuClass.Current} (0/{GoldenSet.Size} top-1 differ, max logit deviation ");
        }
    }

    [Fact]
    public void A_recorded_top1_that_differs_fails_the_check()
    {
        var path = dir.File("golden-set.json");
        GoldenFiles.Write(path, Test, [models.WithBatchNorm.OnnxPath], GoldenFiles.FlipTopOne("fp32"));
        using var model = OnnxDigitModel.Load(models.WithBatchNorm.OnnxPath);

        var result = GoldenCheck.Run(model, GoldenSet.Read(path), path)!;

        result.Passed.Should().BeFalse();
        result.Mismatches.Should().Be(1);
        result.Summary.Should().StartWith($"golden check: fp32 FAILED on {CpuClass.Current} (1/{GoldenSet.Size} top-1 differ");
    }

    [Theory]
    [InlineData(0.5f, 1)]
    [InlineData(0.0001f, 0)]
    public void A_recorded_logit_further_than_the_tolerance_fails_the_check(float shift, int outOfTolerance)
    {
        var path = dir.File("golden-set.json");
        GoldenFiles.Write(path, Test, [models.WithBatchNorm.OnnxPath], GoldenFiles.ShiftLogit("fp32", shift));
        using var model = OnnxDigitModel.Load(models.WithBatchNorm.OnnxPath);

        var result = GoldenCheck.Run(model, GoldenSet.Read(path), path)!;

        result.Mismatches.Should().Be(0);
        result.LogitsOutOfTolerance.Should().Be(outOfTolerance);
        result.Passed.Should().Be(outOfTolerance == 0);
        result.MaxLogitDeviation.Should().BeApproximately(shift, 1e-5);
    }

    [Fact]
    public void A_set_without_the_models_precision_checks_nothing()
    {
        var path = dir.File("golden-set.json");
        GoldenFiles.Write(path, Test, [models.WithBatchNorm.OnnxPath]);
        using var int8 = OnnxDigitModel.Load(ExportInt8());

        GoldenCheck.Run(int8, GoldenSet.Read(path), path).Should().BeNull();
    }

    [Theory]
    [InlineData("schema", "2", "expected schema 1, found schema 2")]
    [InlineData("images[3].pixels", "\"AAAA\"", "expected images[3].pixels to hold 28x28 = 784 bytes (base64), found 3")]
    [InlineData("precisions.fp32.top1", "[1, 2]", "expected precisions.fp32.top1 to hold 48 labels, found 2")]
    [InlineData("precisions.fp32.logits[5]", "[1.0]", "expected precisions.fp32.logits to hold 48 rows of 10")]
    [InlineData("precisions", "{}", "expected the answers of at least one precision (precisions)")]
    public void A_corrupt_golden_file_is_an_error_naming_the_file_and_what_was_expected(string field, string value, string message)
    {
        var path = dir.File("golden-set.json");
        GoldenFiles.Write(path, Test, [models.WithBatchNorm.OnnxPath]);
        var json = JObject.Parse(File.ReadAllText(path));
        json.SelectToken(field)!.Replace(JToken.Parse(value));
        File.WriteAllText(path, json.ToString());

        var act = () => GoldenSet.Read(path);

        act.Should().Throw<InvalidDataException>().WithMessage($"{path}: not a usable golden set: {message}");
    }

    [Fact]
    public void A_truncated_golden_file_is_an_error_naming_it()
    {
        var path = dir.File("golden-set.json");
        GoldenFiles.Write(path, Test, [models.WithBatchNorm.OnnxPath]);
        File.WriteAllText(path, File.ReadAllText(path)[..500]);

        FluentActions.Invoking(() => GoldenSet.Read(path)).Should().Throw<InvalidDataException>().WithMessage($"{path}: unreadable JSON*");
    }

    private string ExportInt8()
    {
        var path = dir.File("model.int8.onnx");
        using var model = TestData.LoadCnn(models.WithBatchNorm.Config, models.WithBatchNorm.WeightsPath);
        Int8OnnxExporter.Export(model, models.Normalization, "golden", TestData.Strided(offset: 0, count: 1000), path);
        return path;
    }

    private static (float Margin, float Top, float Second) Margin(ReadOnlySpan<float> row)
    {
        var sorted = row.ToArray().OrderDescending().ToArray();
        return (sorted[0] - sorted[1], sorted[0], sorted[1]);
    }
}
