using DigitForge.Data.Idx;
using DigitForge.Data.Sources;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Stages;

namespace DigitForge.Data.Tests;

[Trait("Category", "Unit")]
public sealed class SourceResolverTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly IStageLog log = new TextStageLog(TextWriter.Null, "test");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Relative_path_with_matching_hash_resolves_against_the_root()
    {
        Directory.CreateDirectory(temp.File("data"));
        File.WriteAllText(temp.File("data/a.idx"), "content");

        var path = Resolver().Fetch(new FileReference { Path = "data/a.idx", Sha256 = ContentHash.OfText("content") }, log);

        path.Should().Be(Path.GetFullPath(temp.File("data/a.idx")));
    }

    [Fact]
    public void Local_hash_mismatch_names_the_file_and_both_hashes()
    {
        File.WriteAllText(temp.File("a.idx"), "content");
        var expected = new string('0', 64);

        var act = () => Resolver().Fetch(new FileReference { Path = "a.idx", Sha256 = expected }, log);

        act.Should().Throw<DataFormatException>()
            .WithMessage($"{temp.File("a.idx")}: SHA-256 mismatch: expected {expected}, got {ContentHash.OfText("content")}");
    }

    [Fact]
    public void Missing_local_file_is_named()
    {
        var act = () => Resolver().Fetch(new FileReference { Path = "nope.idx" }, log);

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("nope.idx")}: file not found");
    }

    [Fact]
    public void Idx_source_loads_local_images_and_a_downloaded_official_test_set()
    {
        var train = new LabelledImages([1, 2, 3, 4], [0, 9], 1, 2);
        var test = new LabelledImages([5, 6], [4], 1, 2);
        IdxFile.Save(train, temp.File("train-images"), temp.File("train-labels"), gzip: true);
        IdxFile.Save(test, temp.File("test-images"), temp.File("test-labels"));
        var served = new Dictionary<string, byte[]>
        {
            ["/test-images"] = File.ReadAllBytes(temp.File("test-images")),
            ["/test-labels"] = File.ReadAllBytes(temp.File("test-labels")),
        };
        using var server = new LoopbackServer((request, response, _) => response.OutputStream.Write(served[request.Url!.AbsolutePath]));
        var config = new DataConfig
        {
            Idx = new IdxSourceConfig
            {
                Images = new FileReference { Path = "train-images" },
                Labels = new FileReference { Path = "train-labels" },
                TestImages = Remote(server, "test-images", served),
                TestLabels = Remote(server, "test-labels", served),
            },
        };

        var (all, official) = Resolver().Load(config, log);

        all.Pixels.Should().Equal(1, 2, 3, 4);
        all.Labels.Should().Equal(0, 9);
        official!.Pixels.Should().Equal(5, 6);
        official.Labels.Should().Equal(4);
        Resolver().LocalInputs(config).Keys.Should().Equal("images", "labels");
    }

    private static FileReference Remote(LoopbackServer server, string name, Dictionary<string, byte[]> served) =>
        new() { Url = new Uri(server.Url, name).ToString(), Sha256 = ContentHash.OfBytes(served["/" + name]) };

    private SourceResolver Resolver() => new(temp.Path, new DownloadCache(temp.File("cache"), retryDelay: TimeSpan.FromMilliseconds(5)));
}
