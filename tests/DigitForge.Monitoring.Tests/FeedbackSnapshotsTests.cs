using DigitForge.Engine.Config;
using DigitForge.Monitoring.Feedback;
using DigitForge.Monitoring.Store;

namespace DigitForge.Monitoring.Tests;

[Trait("Category", "Unit")]
public sealed class FeedbackSnapshotsTests : IDisposable
{
    private static readonly DateTimeOffset Monday = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory temp = new();

    private string Root => temp.File("feedback");

    [Fact]
    public void The_id_is_the_start_of_a_content_hash_that_depends_on_the_data_only()
    {
        var first = FeedbackSnapshots.Write(Root, "mnist", Content("abc", leftOut: 1));
        var other = FeedbackSnapshots.Write(temp.File("elsewhere"), "mnist", Content("abc", leftOut: 7));
        var changed = FeedbackSnapshots.Write(Root, "mnist", Content("abd"));

        first.Id.Should().HaveLength(FeedbackSnapshots.IdLength).And.Be(first.Sha256[..FeedbackSnapshots.IdLength]);
        other.Sha256.Should().Be(first.Sha256, "equal data is one snapshot, whatever else the export counted");
        changed.Id.Should().NotBe(first.Id);
        first.Files.Should().ContainKey("data.txt");
    }

    [Fact]
    public void Writing_the_same_data_again_keeps_the_first_snapshot_as_it_is()
    {
        var first = FeedbackSnapshots.Write(Root, "mnist", Content("abc", leftOut: 1));
        var manifest = Path.Combine(Root, first.Id, FeedbackSnapshots.ManifestFile);
        var written = File.GetLastWriteTimeUtc(manifest);

        var again = FeedbackSnapshots.Write(Root, "mnist", Content("abc", leftOut: 5));

        again.Should().BeEquivalentTo(first);
        File.GetLastWriteTimeUtc(manifest).Should().Be(written);
        Directory.GetDirectories(Root).Should().ContainSingle();
    }

    [Fact]
    public void An_export_that_fails_half_way_leaves_no_snapshot_and_no_leftovers()
    {
        var crashing = Content("abc") with
        {
            WriteFiles = folder =>
            {
                File.WriteAllText(Path.Combine(folder, "data.txt"), "abc");
                throw new IOException("disk full");
            },
        };

        var write = () => FeedbackSnapshots.Write(Root, "mnist", crashing);

        write.Should().Throw<IOException>();
        Directory.GetFileSystemEntries(Root).Should().BeEmpty();
    }

    [Fact]
    public void A_folder_left_by_a_killed_export_is_never_read_as_a_snapshot()
    {
        var id = FeedbackSnapshots.Write(Root, "mnist", Content("abc")).Id;
        File.Delete(Path.Combine(Root, id, FeedbackSnapshots.ManifestFile));

        var read = () => FeedbackSnapshots.Read(Root, id);

        read.Should().Throw<ConfigException>().WithMessage($"data.feedback: no feedback snapshot '{id}' in {Root} (*there are none); ./build.sh --target=PullFeedback fetches the recipe's snapshots from the remote");
    }

    [Fact]
    public void A_data_file_changed_after_the_export_is_caught_when_read()
    {
        var id = FeedbackSnapshots.Write(Root, "mnist", Content("abc")).Id;
        var snapshot = FeedbackSnapshots.Read(Root, id);
        File.WriteAllText(snapshot.File("data.txt"), "abX");

        var verify = snapshot.Verify;

        verify.Should().Throw<InvalidDataException>().WithMessage($"{snapshot.File("data.txt")}: missing or changed since feedback snapshot {id} was written*");
    }

    [Fact]
    public void An_unknown_id_is_refused_naming_the_snapshots_there_are()
    {
        var id = FeedbackSnapshots.Write(Root, "mnist", Content("abc")).Id;

        var read = () => FeedbackSnapshots.Read(Root, "latest");

        read.Should().Throw<ConfigException>().WithMessage($"data.feedback: no feedback snapshot 'latest' in {Root} (expected 12 hex digits*there are {id})*");
    }

    [Fact]
    public void The_join_takes_each_id_once_inside_the_window_and_counts_ids_without_ground_truth()
    {
        using var store = SqliteMonitorStore.Open(temp.File("monitor.db"));
        store.Append([Logged("a", Monday.AddDays(-1)), Logged("b", Monday), Logged("b", Monday.AddHours(1)), Logged("c", Monday.AddHours(2)), Logged("d", Monday.AddDays(1))]);
        store.RecordOutcomes([Labelled("a"), Labelled("b"), Labelled("d")]);
        var leftOut = new SortedDictionary<string, int>(StringComparer.Ordinal);

        var joined = LabelledPredictions.Join(store, "mnist", new FeedbackWindow(Monday, Monday.AddDays(1)), leftOut).ToList();

        joined.Select(j => (j.Prediction.Id, j.Prediction.At)).Should().Equal(("b", Monday));
        leftOut.Should().Equal(new Dictionary<string, int> { [LabelledPredictions.NoGroundTruth] = 1 });
    }

    public void Dispose() => temp.Dispose();

    /// <summary>A snapshot of one file, <c>data.txt</c>, holding <paramref name="data"/>.</summary>
    internal static FeedbackContent Content(string data, int leftOut = 0) => new(
        folder => File.WriteAllText(Path.Combine(folder, "data.txt"), data),
        data.Length,
        new Dictionary<string, int> { ["1"] = data.Length },
        Monday,
        Monday.AddHours(8),
        new Dictionary<string, int> { [LabelledPredictions.NoGroundTruth] = leftOut });

    private static PredictionRecord Logged(string id, DateTimeOffset at) => new(id, at, "mnist", "v0001-abcdef0", "fp32", PredictionRecord.HashOf([1]), "1", 0.9, null, "score");

    private static Outcome Labelled(string id) => new("mnist", id, "1", null, Monday, "feedback labels.csv");
}
