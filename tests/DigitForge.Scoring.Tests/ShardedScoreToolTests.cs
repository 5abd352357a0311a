using System.Diagnostics;
using DigitForge.ScoreTool;

namespace DigitForge.Scoring.Tests;

/// <summary>
/// Scale-out scoring as a cluster runs it: four shard processes of the built tool at once, one killed
/// with SIGKILL part-way and resumed, then merged into the file one process writes, byte for byte.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(ScoringModelCollection.Name)]
public sealed class ShardedScoreToolTests(ScoringModel model) : IDisposable
{
    private const int Shards = 4;
    private readonly TempDirectory dir = new();

    [Fact]
    public void FourShards_OneKilledAndResumed_MergeToTheSingleProcessFile()
    {
        var folder = dir.File("images");
        for (var i = 0; i < 400; i++)
        {
            ImageFiles.Write(folder, $"{i:D4}.png", ImageFiles.GreyPng(Digit.Side, Digit.Side, TestData.TestSplit.Image(i)));
        }

        var single = ScoreTool.Run(dir.Path, folder, "--model", model.OnnxPath, "--out", "single.csv");
        single.ExitCode.Should().Be(ExitCodes.Success, single.Error);

        var others = Enumerable.Range(1, Shards - 1).Select(i => (Shard: i, Process: ScoreTool.Start(dir.Path, Shard(folder, i)))).ToList();
        var killedRows = KillPartWay(folder);
        foreach (var (shard, process) in others)
        {
            using (process)
            {
                var result = ScoreTool.Wait(process, Shard(folder, shard));
                result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
            }
        }

        var refused = ScoreTool.Run(dir.Path, "merge", "parts", "--out", "merged.csv");
        refused.ExitCode.Should().Be(ExitCodes.ShardsNotMergeable);
        refused.Error.Should().Contain($"{dir.File("parts/part-4.csv")} (shard 4/4) is incomplete: its run record says 'running'");
        File.Exists(dir.File("merged.csv")).Should().BeFalse();

        var resumed = ScoreTool.Run(dir.Path, [.. Shard(folder, Shards), "--resume"]);
        resumed.ExitCode.Should().Be(ExitCodes.Success, resumed.Error);
        resumed.Output.Should().Contain($"resuming {dir.File("parts/part-4.csv")}: {killedRows:N0} rows already there");

        var merged = ScoreTool.Run(dir.Path, "merge", "parts", "--out", "merged.csv");
        merged.ExitCode.Should().Be(ExitCodes.Success, merged.Error);
        merged.Output.Should().Contain("Merged 4 shards: 400 rows");
        File.ReadAllBytes(dir.File("merged.csv")).Should().Equal(File.ReadAllBytes(dir.File("single.csv")));
    }

    public void Dispose() => dir.Dispose();

    private string[] Shard(string folder, int index) =>
        [folder, "--model", model.OnnxPath, "--shard", $"{index}/{Shards}", "--out", $"parts/part-{index}.csv"];

    /// <summary>Runs the last shard a batch of one image at a time and kills it (SIGKILL) once it wrote a
    /// few rows; again (from scratch) if it finished first. Returns the complete rows it left.</summary>
    private int KillPartWay(string folder)
    {
        var output = dir.File($"parts/part-{Shards}.csv");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var process = ScoreTool.Start(dir.Path, [.. Shard(folder, Shards), "--batch", "1", "--threads", "1", "--overwrite"]);
            var clock = Stopwatch.StartNew();
            while (!process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(1) && Lines(output) < 4)
            {
                Thread.Sleep(2);
            }

            process.Kill();
            process.WaitForExit();
            var rows = Lines(output) - 1;
            if (File.ReadAllText(output + ".run.json").Contains("\"status\": \"running\"", StringComparison.Ordinal) && rows is > 0 and < 400 / Shards * 2)
            {
                return rows;
            }
        }

        throw new InvalidOperationException("the shard finished before it could be killed five times");
    }

    private static int Lines(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var count = 0;
            int b;
            while ((b = stream.ReadByte()) != -1)
            {
                count += b == '\n' ? 1 : 0;
            }

            return count;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }
    }
}
