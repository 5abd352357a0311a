using System.Text.RegularExpressions;
using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Registry;
using DigitForge.Registry.Store;
using StbImageWriteSharp;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// Each exit code of docs/exit-codes.md's table, exactly, from ./build.sh as a user or CI sees it. The cases
/// that need a model share one promoted build. Lock busy (6) is in <see cref="OneBuildOneLockTests"/>; a failed
/// golden check (10) in the scoring tool's own tests (GoldenCheckToolTests), which tamper with a version's golden set.
/// </summary>
[Collection(BuildLanes.Second)]
[Trait("Category", "EndToEnd")]
public sealed class ExitCodeTests(PromotedBuild fixture) : IClassFixture<PromotedBuild>, IDisposable
{
    private readonly TempDirectory temp = new();

    private RepoBuild Build => fixture.Build;

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_bad_config_value_an_unknown_argument_and_an_unknown_target_exit_2()
    {
        var badValue = Build.Run("--target=Evaluate", "--config=configs/mnist/ci.json", "--set=train.epochs=zero");
        badValue.ExitCode.Should().Be(2, badValue.ToString());
        badValue.Output.Should().Contain("train.epochs");

        var typo = Build.Run("--target=Evaluate", "--seet=train.epochs=3");
        typo.ExitCode.Should().Be(2, typo.ToString());
        typo.Output.Should().Contain("unknown argument --seet; did you mean --set?");

        var target = Build.Run("--target=Evalute", "--config=configs/mnist/ci.json");
        target.ExitCode.Should().Be(2, target.ToString());
        target.Output.Should().MatchRegex(@"unknown target Evalute; targets are: .*\bEvaluate\b.*\bDeleteModels\b");
    }

    [Fact]
    public void Data_whose_sha256_does_not_match_the_config_exits_3_naming_the_file()
    {
        var config = File.ReadAllText(Path.Combine(Build.Root, "configs/mnist/ci.json"))
            .Replace("6cef73d8a58729646c0f2548fd3271beeb178ef9fa26a3889746ebe130cf1789", new string('0', 64), StringComparison.Ordinal);
        File.WriteAllText(temp.File("wrong-hash.json"), config);
        using var fresh = new RepoBuild();

        var ingest = fresh.Run("--target=Ingest", $"--config={temp.File("wrong-hash.json")}");

        ingest.ExitCode.Should().Be(3, ingest.ToString());
        ingest.Output.Should().Contain("images-idx3-ubyte.gz").And.Contain(new string('0', 64)).And.Contain("6cef73d8a587");
    }

    [Fact]
    public void Scoring_with_an_unreadable_file_exits_4_and_a_drifted_folder_with_fail_on_drift_exits_5()
    {
        fixture.Promoted.ExitCode.Should().Be(0, fixture.Promoted.ToString());
        var test = IdxFile.Load(Build.StageFile("Preprocess", "test-images.idx"), Build.StageFile("Preprocess", "test-labels.idx"));
        WritePng(test, 0, temp.File("mixed/good.png"));
        File.WriteAllBytes(temp.File("mixed/corrupt.png"), [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);

        var mixed = Build.Run("--target=Score", $"--input={temp.File("mixed")}", $"--out={temp.File("mixed.csv")}");

        mixed.ExitCode.Should().Be(4, mixed.ToString());
        var rows = File.ReadAllLines(temp.File("mixed.csv"));
        rows.Should().HaveCount(3).And.Contain(row => row.StartsWith("good.png,", StringComparison.Ordinal) && row.EndsWith(',')).And.Contain(row => row.StartsWith("corrupt.png,,", StringComparison.Ordinal));

        // Only ones, many times over: the label shares are far from the test set's tenth per digit.
        var ones = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == 1).ToList();
        ones.Should().NotBeEmpty();
        for (var copy = 0; copy < 60; copy++)
        {
            WritePng(test, ones[copy % ones.Count], temp.File($"ones/{copy:D3}.png"));
        }

        var drifted = Build.Run("--target=Score", $"--input={temp.File("ones")}", "--raw", "--fail-on-drift", $"--out={temp.File("ones.csv")}");

        drifted.ExitCode.Should().Be(5, drifted.ToString());
        drifted.Output.Should().Contain("drift: DETECTED");

        // The tool is compiled: naming its compile as the target is a skip, not Cake's "could not reach target" (exit 1).
        var compile = Build.Run("--target=CompileScore");
        compile.ExitCode.Should().Be(0, compile.ToString());
        compile.TaskStatus("CompileScore").Should().Be("Skipped", compile.ToString());
        compile.Output.Should().Contain("digitforge-score.dll is up to date: build/bin/score/digitforge-score.dll");
    }

    [Fact]
    public void A_model_the_gate_rejects_exits_7_with_require_promotion_and_production_stays()
    {
        fixture.Promoted.ExitCode.Should().Be(0, fixture.Promoted.ToString());

        var rejected = Build.Run("--target=Promote", "--config=configs/mnist/ci.json", "--set=train.epochs=1", "--set=promote.minAccuracy=0.999", "--require-promotion");

        rejected.ExitCode.Should().Be(7, rejected.ToString());
        rejected.Output.Should().MatchRegex(@"--require-promotion: v\d{4}-[0-9a-f]{7} was not promoted \(reject: ");
        var registry = new ModelRegistry(new ModelStore(fixture.Models));
        registry.Production()!.Version.Should().Be(1);
        Regex.Matches(rejected.Output, "gate minAccuracy: FAIL").Should().NotBeEmpty();
    }

    private static void WritePng(LabelledImages images, int index, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var png = File.Create(path);
        new ImageWriter().WritePng(images.Image(index).ToArray(), images.Columns, images.Rows, ColorComponents.Grey, png);
    }
}
