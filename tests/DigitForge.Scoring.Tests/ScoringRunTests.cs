using DigitForge.Scoring.Output;
using DigitForge.Scoring.Pipeline;
using static DigitForge.Scoring.Tests.ImageFiles;

namespace DigitForge.Scoring.Tests;

[Trait("Category", "Unit")]
[Collection(ScoringModelCollection.Name)]
public sealed class ScoringRunTests(ScoringModel model)
{
    private readonly IReadOnlyList<Digit> digits = model.ConfidentDigits;

    public static IEnumerable<string> Variants =>
    [
        .. GreyDecoderTests.LosslessEncodings, "jpeg grey", "jpeg colour", "png inverted", "png off-centre", "png large",
        "png dark ink on transparent", "jpeg photo of ink on paper",
    ];

    [Fact]
    public void EveryFormatAndKindOfImage_IsScoredAsItsDigit()
    {
        digits.Should().HaveCount(10, "the model knows one digit of each label well");
        using var dir = new TempDirectory();
        var folder = dir.File("images");
        foreach (var digit in digits)
        {
            foreach (var variant in Variants)
            {
                Write(folder, $"{digit.Label}/{variant.Replace(' ', '-')}.img", Encode(variant, digit));
            }
        }

        // Named .img: the format is recognised by content, and --all-files scores files not named as images.
        var outcome = Scorer.Run(new ScoringRequest { Folder = folder, Model = model.OnnxPath, Output = dir.File("out.csv"), Recursive = true, AllFiles = true });

        var rows = Scorer.Rows(dir.File("out.csv"));
        rows.Should().HaveCount(10 * Variants.Count());
        rows.Where(r => r.Failed).Should().BeEmpty();
        rows.Where(r => r.Prediction!.Value.Label != r.Path[..1]).Select(r => $"{r.Path} -> {r.Prediction!.Value.Label}").Should().BeEmpty();
        outcome.Summary.PerLabel.Values.Should().AllSatisfy(count => count.Should().Be(Variants.Count()));
        outcome.HasFailures.Should().BeFalse();
    }

    [Fact]
    public void BadFiles_GetAnErrorRowEach_AndGoodFilesAreStillScored()
    {
        using var dir = new TempDirectory();
        var folder = dir.File("mixed");
        foreach (var digit in digits)
        {
            Write(folder, $"good-{digit.Label}.png", GreyPng(Digit.Side, Digit.Side, digit.Pixels));
        }

        var png = GreyPng(Digit.Side, Digit.Side, digits[0].Pixels);
        var jpeg = Jpeg(Digit.Side, Digit.Side, 1, digits[0].Pixels);
        var damaged = png.ToArray();
        damaged.AsSpan(41, 20).Fill(0x5A);
        var bad = new Dictionary<string, (byte[] Content, string Reason)>
        {
            ["bad-empty.png"] = ([], "empty file (0 bytes)"),
            ["bad-truncated.png"] = (png[..(png.Length / 2)], "truncated PNG: *"),
            ["bad-truncated.jpg"] = (jpeg[..(jpeg.Length - 30)], "truncated JPEG: *"),
            ["bad-not-an-image.png"] = ("%PDF-1.7 not a picture"u8.ToArray(), "not a PNG, JPEG, BMP or GIF image*"),
            ["bad-bomb.png"] = (BombPng(200_000, 150_000), "image is 200000x150000 = 30,000,000,000 pixels, over the limit of 25,000,000 (--max-pixels); not decoded"),
            ["bad-damaged-data.png"] = (damaged, "the decoder rejected the image data*"),
            ["bad-blank.png"] = (GreyPng(40, 40, new byte[1600]), "no digit found: the image is blank*"),
        };
        foreach (var (name, (content, _)) in bad)
        {
            Write(folder, name, content);
        }

        var outcome = Scorer.Run(new ScoringRequest { Folder = folder, Model = model.OnnxPath, Output = dir.File("out.jsonl") });

        var rows = Scorer.Rows(dir.File("out.jsonl")).ToDictionary(r => r.Path);
        rows.Should().HaveCount(digits.Count + bad.Count);
        foreach (var digit in digits)
        {
            rows[$"good-{digit.Label}.png"].Prediction!.Value.Label.Should().Be(digit.Label.ToString());
        }

        foreach (var (name, (_, reason)) in bad)
        {
            rows[name].Error.Should().Match(reason, name);
        }

        (outcome.Summary.Scored, outcome.Summary.Failed).Should().Be((digits.Count, bad.Count));
        outcome.HasFailures.Should().BeTrue();
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void FilesNotNamedAsImages_AreSkippedAndCounted_AndAllFilesScoresThem()
    {
        using var dir = new TempDirectory();
        var folder = dir.File("users-folder");
        for (var i = 0; i < 3; i++)
        {
            Write(folder, $"{i}.png", GreyPng(Digit.Side, Digit.Side, digits[i].Pixels));
        }

        foreach (var name in new[] { "labels.csv", "README", "Thumbs.db", ".DS_Store" })
        {
            Write(folder, name, "not an image"u8.ToArray());
        }

        Write(folder, "fake.jpg", "claims to be a JPEG"u8.ToArray());

        var images = Scorer.Run(Request(folder, dir.File("images.csv")));
        var all = Scorer.Run(Request(folder, dir.File("all.csv")) with { AllFiles = true });

        // A file named as an image that is none keeps its error row.
        Scorer.Rows(dir.File("images.csv")).Select(r => (r.Path, r.Failed)).Should().Equal(("0.png", false), ("1.png", false), ("2.png", false), ("fake.jpg", true));
        (images.Summary.Scored, images.Summary.Failed, images.Summary.Skipped).Should().Be((3, 1, 4));
        images.Summary.FirstSkipped.Should().Equal(".DS_Store", "README", "Thumbs.db", "labels.csv");
        var record = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("images.csv.run.json"))).RootElement.GetProperty("summary");
        record.GetProperty("skipped").GetInt64().Should().Be(4);
        record.GetProperty("firstSkipped").EnumerateArray().Select(e => e.GetString()).Should().Equal(images.Summary.FirstSkipped);

        Scorer.Rows(dir.File("all.csv")).Where(r => r.Failed).Select(r => r.Path).Should().Equal("README", "Thumbs.db", "fake.jpg", "labels.csv");
        (all.Summary.Scored, all.Summary.Failed, all.Summary.Skipped).Should().Be((3, 4, 1));
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void ImagesInSubFolders_WithoutRecursive_AreCountedNotScored()
    {
        using var dir = new TempDirectory();
        var folder = dir.File("by-label");
        Write(folder, "labels.csv", "path,label\n"u8.ToArray());
        Write(folder, "0/a.png", GreyPng(Digit.Side, Digit.Side, digits[0].Pixels));
        Write(folder, "0/b.png", GreyPng(Digit.Side, Digit.Side, digits[0].Pixels));
        Write(folder, "1/deeper/c.png", GreyPng(Digit.Side, Digit.Side, digits[1].Pixels));
        Write(folder, "1/notes.txt", "not an image"u8.ToArray());

        var flat = Scorer.Run(Request(folder, dir.File("flat.csv")));
        var recursive = Scorer.Run(Request(folder, dir.File("recursive.csv")) with { Recursive = true });

        (flat.Summary.Total, flat.Summary.Skipped, flat.Summary.ImagesInSubFolders, flat.Summary.SubFoldersWithImages).Should().Be((0, 1, 3, 2));
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("flat.csv.run.json"))).RootElement
            .GetProperty("summary").GetProperty("imagesInSubFoldersNotScored").GetInt64().Should().Be(3);
        (recursive.Summary.Scored, recursive.Summary.Skipped, recursive.Summary.ImagesInSubFolders).Should().Be((3, 2, 0));
    }

    [Theory]
    [InlineData("out.csv")]
    [InlineData("out.jsonl")]
    public async Task Resume_AfterAnInterruptedRun_CompletesTheSameRows(string name)
    {
        using var dir = new TempDirectory();
        var folder = WriteDigits(dir, count: 300);
        var full = Request(folder, dir.File($"full-{name}"));
        Scorer.Run(full);

        // An interrupted run: its first 120 rows and half of the next one.
        var output = dir.File(name);
        var text = File.ReadAllText(full.Output);
        var cut = NthLineEnd(text, 120 + (name.EndsWith(".csv") ? 1 : 0));
        File.WriteAllText(output, text[..(cut + 15)]);
        File.Copy(RunRecord.PathFor(full.Output), RunRecord.PathFor(output));

        using (var run = ScoringRun.Prepare(full with { Output = output, Resume = true }))
        {
            (run.ResumedRows, run.DroppedTornRow).Should().Be((120, true));
            run.FilesToScore.Should().Be(180);
            var outcome = await run.RunAsync(null, CancellationToken.None);
            (outcome.NewRows, outcome.Summary.Total).Should().Be((180, 300));
        }

        File.ReadAllText(output).Should().Be(text);
    }

    [Fact]
    public void Cancellation_StopsAfterWholeBatches_AndResumeFinishes()
    {
        using var dir = new TempDirectory();
        var folder = WriteDigits(dir, count: 100);
        var request = Request(folder, dir.File("out.csv")) with { Settings = new ScoringSettings { BatchSize = 16 } };
        using var cancellation = new CancellationTokenSource();

        var stopped = Scorer.Run(request, _ => cancellation.Cancel(), cancellation.Token);

        stopped.Completed.Should().BeFalse();
        stopped.NewRows.Should().BeInRange(16, 99).And.Subject.Should().Match(n => n % 16 == 0);
        Scorer.Rows(request.Output).Should().HaveCount((int)stopped.NewRows);
        var resumed = Scorer.Run(request with { Resume = true });
        (resumed.Completed, resumed.NewRows, resumed.Summary.Total).Should().Be((true, 100 - stopped.NewRows, 100));
    }

    [Fact]
    public void Shards_SplitTheFolderWithNoOverlap_AndScoreAsTheWholeRunDoes()
    {
        using var dir = new TempDirectory();
        var folder = WriteDigits(dir, count: 200);
        Scorer.Run(Request(folder, dir.File("all.csv")));
        var whole = Scorer.Rows(dir.File("all.csv"));

        var shards = Enumerable.Range(1, 3).Select(i =>
        {
            var output = dir.File($"shard{i}.csv");
            var request = Request(folder, output) with { Shard = new Listing.Shard(i, 3) };
            long counted;
            using (var run = ScoringRun.Prepare(request))
            {
                counted = run.FilesToScore;
            }

            Scorer.Run(request);
            Scorer.Rows(output).Should().HaveCount((int)counted, "the progress total counts this shard's files");
            return Scorer.Rows(output);
        }).ToList();

        shards.Should().AllSatisfy(rows => rows.Should().NotBeEmpty());
        var combined = shards.SelectMany(rows => rows).OrderBy(r => r.Path, StringComparer.Ordinal).ToList();
        combined.Should().BeEquivalentTo(whole, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Resume_WithAnotherModelOrTopK_IsRefusedBeforeAnyWork()
    {
        using var dir = new TempDirectory();
        var folder = WriteDigits(dir, count: 5);
        var request = Request(folder, dir.File("out.csv"));
        Scorer.Run(request);
        var record = RunRecord.PathFor(request.Output);
        File.WriteAllText(record, File.ReadAllText(record).Replace("\"modelSha256\": \"", "\"modelSha256\": \"0", StringComparison.Ordinal));

        var otherModel = () => ScoringRun.Prepare(request with { Resume = true });
        var otherTopK = () => ScoringRun.Prepare(request with { Resume = true, Settings = new ScoringSettings { TopK = 2 } });
        var noResume = () => ScoringRun.Prepare(request);

        otherModel.Should().Throw<ScoringSetupException>().WithMessage("--resume: *out.csv was written with other settings (modelSha256 was \"0*")
            .Which.Problem.Should().Be(SetupProblem.Usage);
        otherTopK.Should().Throw<ScoringSetupException>().WithMessage("*topK was 3, now 2*");
        noResume.Should().Throw<ScoringSetupException>().WithMessage("*out.csv already exists; pass --resume to continue it or --overwrite to replace it");
    }

    [Fact]
    public void MissingFolder_IsAnInputErrorNamingIt()
    {
        using var dir = new TempDirectory();

        var act = () => ScoringRun.Prepare(Request(dir.File("nowhere"), dir.File("out.csv")));

        act.Should().Throw<ScoringSetupException>().WithMessage($"no such folder: {dir.File("nowhere")}").Which.Problem.Should().Be(SetupProblem.Input);
        File.Exists(dir.File("out.csv")).Should().BeFalse();
    }

    [Fact]
    public void ProductionModelOfTheRegistry_IsUsedByDefault()
    {
        using var dir = new TempDirectory();
        var version = new TestRegistry(dir.File("models")).Add(File.ReadAllBytes(model.OnnxPath), "trained", promote: true);
        var folder = WriteDigits(dir, count: 3);

        using var run = ScoringRun.Prepare(new ScoringRequest { Folder = folder, ModelsRoot = dir.File("models"), Output = dir.File("out.csv") });

        run.Model.Description.Should().Be($"production {version.Name} (fp32)");
    }

    private ScoringRequest Request(string folder, string output) => new() { Folder = folder, Model = model.OnnxPath, Output = output };

    private static string WriteDigits(TempDirectory dir, int count)
    {
        var folder = dir.File("digits");
        var split = TestData.TestSplit;
        for (var i = 0; i < count; i++)
        {
            Write(folder, $"{i:D4}.png", GreyPng(Digit.Side, Digit.Side, split.Image(i)));
        }

        return folder;
    }

    private static int NthLineEnd(string text, int n)
    {
        var index = -1;
        for (var i = 0; i < n; i++)
        {
            index = text.IndexOf('\n', index + 1);
        }

        return index;
    }

    private static byte[] Encode(string variant, Digit digit)
    {
        const int side = Digit.Side;
        switch (variant)
        {
            case "jpeg grey":
                return Jpeg(side, side, 1, digit.Pixels);
            case "jpeg colour":
                // Blue ink on a black background.
                return Jpeg(side, side, 3, [.. digit.Pixels.SelectMany(p => new[] { (byte)(p / 5), (byte)(p / 3), p })]);
            case "png inverted":
                return GreyPng(side, side, digit.Inverted().Pixels);
            case "png off-centre":
                var (width, height, canvas) = digit.OnCanvas(120, 90, left: 85, top: 2);
                return GreyPng(width, height, canvas);
            case "png large":
                var (side40, _, large) = digit.Enlarged(40);
                return GreyPng(side40, side40, large);
            case "png dark ink on transparent":
                return Png(side, side, PngColor.Rgba, 8, [.. digit.Pixels.SelectMany(p => new ushort[] { 20, 20, 90, p })]);
            case "jpeg photo of ink on paper":
                var (big, _, strokes) = digit.Enlarged(8);
                var random = new Random(digit.Label);
                var photo = strokes.SelectMany(p =>
                {
                    var paper = 200 + random.Next(-10, 11);
                    var ink = p / 255.0;
                    var grey = (paper * (1 - ink)) + (30 * ink);
                    return new[] { (byte)Math.Min(255, grey + 15), (byte)grey, (byte)Math.Max(0, grey - 20) };
                });
                return Jpeg(big, big, 3, [.. photo], quality: 80);
            default:
                return GreyDecoderTests.Encode(variant, digit.Pixels);
        }
    }
}
