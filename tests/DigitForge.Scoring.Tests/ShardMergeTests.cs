using DigitForge.Scoring.Listing;
using DigitForge.Scoring.Merging;
using DigitForge.Scoring.Output;
using DigitForge.Scoring.Pipeline;
using static DigitForge.Scoring.Tests.ImageFiles;

namespace DigitForge.Scoring.Tests;

/// <summary>Shards merged in process: the whole run's file byte for byte, or a refusal naming the shard.</summary>
[Trait("Category", "Unit")]
[Collection(ScoringModelCollection.Name)]
public sealed class ShardMergeTests(ScoringModel model) : IDisposable
{
    private readonly TempDirectory dir = new();

    [Theory]
    [InlineData("csv")]
    [InlineData("jsonl")]
    public void MergedShards_AreTheSingleRunsFile_ByteForByte(string extension)
    {
        // Names whose listing order is not the plain ordinal order of their paths ("a/0.png" comes before
        // "a-1.png" and "a.png"), a quoted CSV field, and a file that fails.
        var folder = WriteDigits(60);
        Write(folder, "a/0.png", GreyPng(Digit.Side, Digit.Side, TestData.TestSplit.Image(60)));
        Write(folder, "a.png", GreyPng(Digit.Side, Digit.Side, TestData.TestSplit.Image(61)));
        Write(folder, "a-1.png", GreyPng(Digit.Side, Digit.Side, TestData.TestSplit.Image(62)));
        Write(folder, "comma, \"quoted\".png", GreyPng(Digit.Side, Digit.Side, TestData.TestSplit.Image(63)));
        Write(folder, "broken.png", [1, 2, 3]);
        var single = Request(folder, dir.File($"single.{extension}")) with { Recursive = true };
        Scorer.Run(single);

        var parts = Enumerable.Range(1, 3).Select(i => ScoreShard(single, i, 3, dir.File($"parts/part-{i}.{extension}"))).ToList();
        var merged = ShardMerge.Merge(ShardMerge.Outputs([dir.File("parts")]), dir.File($"merged.{extension}"), overwrite: false);

        File.ReadAllBytes(dir.File($"merged.{extension}")).Should().Equal(File.ReadAllBytes(single.Output));
        merged.Should().Be(new MergeResult(3, 65, new FileInfo(single.Output).Length));
        var record = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RunRecord.PathFor(dir.File($"merged.{extension}"))))!;
        var whole = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RunRecord.PathFor(single.Output)))!;
        record["listing"]!.ToJsonString().Should().Be(whole["listing"]!.ToJsonString());
        record["settings"]!.ToJsonString().Should().Be(whole["settings"]!.ToJsonString(), "the merged file resumes as the single run's would");
        (record["summary"]!["scored"]!.GetValue<long>(), record["summary"]!["failed"]!.GetValue<long>()).Should().Be((64, 1));
        parts.Should().AllSatisfy(p => p.Should().NotBeEmpty());
    }

    [Fact]
    public void MissingShard_IsRefused_NamingIt()
    {
        var single = Request(WriteDigits(40), dir.File("single.csv"));
        ScoreShard(single, 1, 3, dir.File("parts/part-1.csv"));
        ScoreShard(single, 3, 3, dir.File("parts/part-3.csv"));

        var merge = () => ShardMerge.Merge(ShardMerge.Outputs([dir.File("parts")]), dir.File("merged.csv"), overwrite: false);

        merge.Should().Throw<ShardMergeException>().WithMessage("*shard 2/3 of 3 is missing: score it with --shard i/3 (have 1/3, 3/3)*");
        File.Exists(dir.File("merged.csv")).Should().BeFalse();
    }

    [Fact]
    public void DuplicateShard_IsRefused_NamingBothFiles()
    {
        var single = Request(WriteDigits(40), dir.File("single.csv"));
        ScoreShard(single, 1, 2, dir.File("parts/part-1.csv"));
        ScoreShard(single, 2, 2, dir.File("parts/part-2.csv"));
        ScoreShard(single, 2, 2, dir.File("parts/again-2.csv"));

        var merge = () => ShardMerge.Merge(ShardMerge.Outputs([dir.File("parts")]), dir.File("merged.csv"), overwrite: false);

        merge.Should().Throw<ShardMergeException>().WithMessage($"*shard 2/2 is given 2 times: {dir.File("parts/again-2.csv")}, {dir.File("parts/part-2.csv")}*");
    }

    [Fact]
    public void ShardOfAnotherModel_IsRefused_NamingBothModels()
    {
        // The same network with an unknown protobuf field appended (field 1000, empty): another file, another SHA-256.
        var other = dir.File("other.onnx");
        File.WriteAllBytes(other, [.. File.ReadAllBytes(model.OnnxPath), 0xC2, 0x3E, 0x00]);
        var single = Request(WriteDigits(40), dir.File("single.csv"));
        ScoreShard(single, 1, 2, dir.File("parts/part-1.csv"));
        ScoreShard(single with { Model = other }, 2, 2, dir.File("parts/part-2.csv"));

        var merge = () => ShardMerge.Merge(ShardMerge.Outputs([dir.File("parts")]), dir.File("merged.csv"), overwrite: false);

        merge.Should().Throw<ShardMergeException>().WithMessage($"*different models: {dir.File("parts/part-1.csv")} (shard 1/2) was scored with {model.OnnxPath} (sha256 *), {dir.File("parts/part-2.csv")} (shard 2/2) with {other} (sha256 *)*");
    }

    [Fact]
    public void InterruptedShard_IsRefusedAsIncomplete_AndMergesOnceResumed()
    {
        var single = Request(WriteDigits(120), dir.File("single.csv"));
        Scorer.Run(single);
        ScoreShard(single, 1, 2, dir.File("parts/part-1.csv"));
        var second = single with { Shard = new Shard(2, 2), Output = dir.File("parts/part-2.csv"), Settings = new ScoringSettings { BatchSize = 8 } };
        using (var cancellation = new CancellationTokenSource())
        {
            Scorer.Run(second, _ => cancellation.Cancel(), cancellation.Token).Completed.Should().BeFalse();
        }

        var merge = () => ShardMerge.Merge(ShardMerge.Outputs([dir.File("parts")]), dir.File("merged.csv"), overwrite: false);

        merge.Should().Throw<ShardMergeException>().WithMessage($"*{dir.File("parts/part-2.csv")} (shard 2/2) is incomplete: its run record says 'interrupted'*--resume*");
        Scorer.Run(second with { Resume = true }).Completed.Should().BeTrue();
        merge();
        File.ReadAllBytes(dir.File("merged.csv")).Should().Equal(File.ReadAllBytes(single.Output));
    }

    [Fact]
    public void ShardChangedAfterItsRun_IsRefused()
    {
        var single = Request(WriteDigits(40), dir.File("single.csv"));
        ScoreShard(single, 1, 2, dir.File("parts/part-1.csv"));
        var second = ScoreShard(single, 2, 2, dir.File("parts/part-2.csv"));
        File.WriteAllLines(dir.File("parts/part-2.csv"), File.ReadAllLines(dir.File("parts/part-2.csv"))[..^1]);

        var merge = () => ShardMerge.Merge(ShardMerge.Outputs([dir.File("parts")]), dir.File("merged.csv"), overwrite: false);

        second.Should().NotBeEmpty();
        merge.Should().Throw<ShardMergeException>().WithMessage($"*{dir.File("parts/part-2.csv")} (shard 2/2) has * bytes, but its run completed with *: it changed since*");
    }

    [Fact]
    public void ShardsOfDifferentFolderContents_AreRefused()
    {
        var single = Request(WriteDigits(40), dir.File("single.csv"));
        ScoreShard(single, 1, 2, dir.File("parts/part-1.csv"));
        Write(single.Folder, "late.png", GreyPng(Digit.Side, Digit.Side, TestData.TestSplit.Image(99)));
        ScoreShard(single, 2, 2, dir.File("parts/part-2.csv"));

        var merge = () => ShardMerge.Merge(ShardMerge.Outputs([dir.File("parts")]), dir.File("merged.csv"), overwrite: false);

        merge.Should().Throw<ShardMergeException>().WithMessage("*different folder listings: * listed 40 files (sha256 *), * 41 (sha256 *): score every shard from the same folder contents*");
    }

    [Fact]
    public void ListingOrder_IsTheFolderListingsOrder()
    {
        var folder = dir.File("tree");
        string[] names = ["b.png", "a.png", "a/z.png", "a-1.png", "a/b/c.png", "a.b/x.png", "A.png", "a0.png"];
        foreach (var name in names)
        {
            Write(folder, name, [0]);
        }

        var listed = new FolderListing(folder, recursive: true, []).Files().Select(f => f.RelativePath).ToList();

        names.Order(ListingOrder.Instance).Should().Equal(listed);
        listed.Should().NotEqual(names.Order(StringComparer.Ordinal), "the test must cover a case plain ordinal order gets wrong");
    }

    public void Dispose() => dir.Dispose();

    private ScoringRequest Request(string folder, string output) => new() { Folder = folder, Model = model.OnnxPath, Output = output };

    private static List<ScoredImage> ScoreShard(ScoringRequest single, int index, int count, string output)
    {
        Scorer.Run(single with { Shard = new Shard(index, count), Output = output });
        return Scorer.Rows(output);
    }

    private string WriteDigits(int count)
    {
        var folder = dir.File("digits");
        for (var i = 0; i < count; i++)
        {
            Write(folder, $"{i:D4}.png", GreyPng(Digit.Side, Digit.Side, TestData.TestSplit.Image(i)));
        }

        return folder;
    }
}
