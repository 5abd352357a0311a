using System.Diagnostics;
using System.Text.Json;
using DigitForge.ScoreTool;

namespace DigitForge.Scoring.Tests;

/// <summary>The tool as operators run it: a real process, its exit codes, messages and published files.</summary>
[Trait("Category", "EndToEnd")]
[Collection(ScoringModelCollection.Name)]
public sealed class ScoreToolTests(ScoringModel model) : IDisposable
{
    private readonly TempDirectory dir = new();

    [Fact]
    public void CleanFolder_ExitsZero_WithRowsAndASummary()
    {
        var folder = WriteDigits(12);

        var result = ScoreTool.Run(dir.Path, folder, "--model", model.OnnxPath, "--out", "preds.jsonl", "--top-k", "2");

        result.Should().Be(result with { ExitCode = ExitCodes.Success, Error = string.Empty });
        result.Output.Should().Contain("Done: 12 files").And.Contain("12 scored, 0 failed").And.Contain("per label:");
        File.ReadAllLines(dir.File("preds.jsonl")).Should().HaveCount(12);
        JsonDocument.Parse(File.ReadAllText(dir.File("preds.jsonl.run.json"))).RootElement.GetProperty("status").GetString().Should().Be("completed");
    }

    [Fact]
    public void Scoring_LeavesNoOnnxRuntimeTelemetryBehind()
    {
        // ONNX Runtime's telemetry keeps a device id and an event cache under the user's cache folder (it
        // did here before the tool switched it off); OnnxRuntimeTelemetryTests checks the switch itself.
        var folder = WriteDigits(2);
        var cache = dir.File("cache");

        // Not inherited from the test settings (test.runsettings sets it for test processes): the tool must set it itself.
        var environment = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = cache, ["ORT_DISABLE_TELEMETRY"] = null };
        var result = ScoreTool.Run(dir.Path, environment, folder, "--model", model.OnnxPath);

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        Directory.Exists(cache).Should().BeFalse("ONNX Runtime's telemetry is off unless ORT_DISABLE_TELEMETRY says otherwise");
    }

    [Fact]
    public void FolderWithBadFiles_ExitsWithCompletedWithFailures_ListingThem()
    {
        var folder = WriteDigits(5);
        ImageFiles.Write(folder, "zero.png", []);
        ImageFiles.Write(folder, "bomb.png", ImageFiles.BombPng(90_000, 90_000));

        var result = ScoreTool.Run(dir.Path, folder, "--model", model.OnnxPath);

        result.ExitCode.Should().Be(ExitCodes.CompletedWithFailures, result.Error);
        result.Output.Should().Contain("5 scored, 2 failed").And.Contain("bomb.png: image is 90000x90000").And.Contain("zero.png: empty file (0 bytes)");
        File.ReadAllLines(dir.File("predictions.csv")).Should().HaveCount(1 + 7);
    }

    [Fact]
    [Trait("Category", "EndToEnd")]
    public void FolderOfLabelSubFolders_WithoutRecursive_SaysWhatTheyHoldAndHowToScoreThem()
    {
        var folder = dir.File("by-label");
        ImageFiles.Write(folder, "labels.csv", "path,label\n"u8.ToArray());
        for (var i = 0; i < 4; i++)
        {
            ImageFiles.Write(folder, $"{i % 2}/{i:D3}.png", ImageFiles.GreyPng(Digit.Side, Digit.Side, TestData.TestSplit.Image(i)));
        }

        var flat = ScoreTool.Run(dir.Path, folder, "--model", model.OnnxPath, "--out", "flat.csv");
        var recursive = ScoreTool.Run(dir.Path, folder, "--model", model.OnnxPath, "--out", "recursive.csv", "--recursive");

        flat.ExitCode.Should().Be(ExitCodes.Success, flat.Error);
        flat.Output.Should().Contain("0 scored, 0 failed")
            .And.Contain("skipped 1 file not named as images (or hidden), no rows: labels.csv; --all-files scores them too")
            .And.Contain("not scored: 4 images in 2 sub-folders; add --recursive to score them");
        recursive.Output.Should().Contain("4 scored, 0 failed").And.NotContain("not scored:");
    }

    [Theory]
    [InlineData("--batch", "0", "--batch 0: expected 1 to 65536")]
    [InlineData("--shard", "5/4", "--shard: shard '5/4' is not i/n*")]
    [InlineData("--out", "preds.txt", "--out 'preds.txt': the file name must end in .csv or .jsonl")]
    [InlineData("--min-confidence", "2", "--min-confidence 2: expected 0 to 1")]
    [InlineData("--no-such-option", "x", "*--no-such-option*")]
    public void BadCommandLine_ExitsTwo_NamingTheValue(string option, string value, string message)
    {
        var folder = WriteDigits(1);

        var result = ScoreTool.Run(dir.Path, folder, "--model", model.OnnxPath, option, value);

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Error.Should().Match($"*error: {message}*");
        File.Exists(dir.File("predictions.csv")).Should().BeFalse();
    }

    [Fact]
    public void MissingFolder_ExitsThree_NamingIt()
    {
        var result = ScoreTool.Run(dir.Path, "no-such-folder", "--model", model.OnnxPath);

        (result.ExitCode, result.Error.Trim()).Should().Be((ExitCodes.InputError, $"error: no such folder: {dir.File("no-such-folder")}"));
    }

    [Fact]
    public void UnknownModelVersion_ExitsThree_NamingTheKnownVersions()
    {
        var version = new TestRegistry(dir.File("artifacts/models")).Add(File.ReadAllBytes(model.OnnxPath), "trained", promote: true);
        var folder = WriteDigits(1);

        var unknown = ScoreTool.Run(dir.Path, folder, "--model", "v9");
        var production = ScoreTool.Run(dir.Path, folder);

        unknown.ExitCode.Should().Be(ExitCodes.InputError);
        unknown.Error.Should().Contain($"version 9 is not registered; known versions: {version.Name}");
        production.ExitCode.Should().Be(ExitCodes.Success, production.Error);
        production.Output.Should().Contain($"with production {version.Name}");
    }

    [Fact]
    public void WithLog_RecordsEachPrediction_InTheMonitorDatabaseBesideTheModels()
    {
        var version = new TestRegistry(dir.File("artifacts/mnist/models")).Add(File.ReadAllBytes(model.OnnxPath), "trained", promote: true);
        var folder = WriteDigits(3);
        ImageFiles.Write(folder, "zero.png", []);

        var result = ScoreTool.Run(dir.Path, folder, "--models-root", "artifacts/mnist/models", "--log", "--out", "preds.csv");
        var byPath = ScoreTool.Run(dir.Path, folder, "--model", model.OnnxPath, "--log", "--out", "other.csv");

        result.ExitCode.Should().Be(ExitCodes.CompletedWithFailures, result.Error);
        result.Output.Should().Contain($"prediction log: 3 predictions recorded in {dir.File("artifacts/mnist/monitor.db")}");
        using var store = Monitoring.Store.SqliteMonitorStore.Open(dir.File("artifacts/mnist/monitor.db"));
        var logged = store.Predictions("mnist", DateTimeOffset.MaxValue).ToList();
        var rows = File.ReadAllLines(dir.File("preds.csv")).Skip(1).Select(line => line.Split(',')).Where(cells => cells[1].Length > 0).ToDictionary(cells => cells[0], cells => cells[1]);
        logged.Should().HaveCount(3).And.OnlyContain(r => r.ModelVersion == version.Name && r.Precision == "fp32" && r.Source == "score" && r.Confidence > 0);
        logged.Select(r => (r.Id, r.Prediction)).Should().BeEquivalentTo(rows.Select(row => (Path.Combine(folder, row.Key), (string?)row.Value)));
        logged[0].InputHash.Should().Be(Monitoring.PredictionRecord.HashOf(File.ReadAllBytes(logged[0].Id)));
        (byPath.ExitCode, byPath.Error.Trim()).Should().Be((ExitCodes.UsageError, $"error: --log records the model version of each prediction; {model.OnnxPath} is a file, not a registry version"));
    }

    [Fact]
    public void UnreadableModel_ExitsThree_NamingTheFile()
    {
        var folder = WriteDigits(1);
        var bad = ImageFiles.Write(dir.Path, "broken.onnx", "not a model"u8.ToArray());

        var result = ScoreTool.Run(dir.Path, folder, "--model", bad);

        result.ExitCode.Should().Be(ExitCodes.InputError);
        result.Error.Should().Contain($"cannot use the model ({bad}): ONNX model '{bad}'");
    }

    [Fact]
    public void PublishedTool_HasOnnxRuntimeAndNoTorch()
    {
        var output = dir.File("publish");
        var publish = Process.Start(new ProcessStartInfo("dotnet", ["publish", Path.Combine(TestData.RepoRoot(), "src", "DigitForge.ScoreTool"), "--no-build", "-c", ScoreTool.Configuration, "-o", output])
        {
            RedirectStandardOutput = true,
        })!;
        var log = publish.StandardOutput.ReadToEnd();
        publish.WaitForExit();
        publish.ExitCode.Should().Be(0, log);

        var files = Directory.GetFiles(output, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(output, f)).ToList();
        files.Should().Contain(f => f.EndsWith("libonnxruntime.so", StringComparison.Ordinal), "the check must look at a real publish output");
        files.Should().NotContain(f => f.Contains("torch", StringComparison.OrdinalIgnoreCase));
        File.ReadAllText(Path.Combine(output, "digitforge-score.deps.json")).Should().NotContainAny("TorchSharp", "libtorch", "DigitForge.Training");
    }

    public void Dispose() => dir.Dispose();

    private string WriteDigits(int count)
    {
        var folder = dir.File("digits");
        for (var i = 0; i < count; i++)
        {
            ImageFiles.Write(folder, $"{i:D3}.png", ImageFiles.GreyPng(Digit.Side, Digit.Side, TestData.TestSplit.Image(i)));
        }

        return folder;
    }
}
