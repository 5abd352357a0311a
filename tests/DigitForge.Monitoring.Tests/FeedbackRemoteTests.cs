using DigitForge.Engine.Caching;
using DigitForge.Engine.Config;
using DigitForge.Monitoring.Feedback;

namespace DigitForge.Monitoring.Tests;

/// <summary>Feedback snapshots through a remote cache in a folder: pushed from one artifacts folder, pulled into another, verified.</summary>
[Trait("Category", "Unit")]
public sealed class FeedbackRemoteTests : IDisposable
{
    private readonly TempDirectory temp = new();

    private string Exported => temp.File("runner/feedback");

    private string Elsewhere => temp.File("laptop/feedback");

    private DirectoryRemoteCache Remote => new(temp.File("remote"));

    [Fact]
    public void A_pushed_snapshot_is_pulled_elsewhere_with_the_same_files_and_then_found_there()
    {
        var manifest = Write("abc");

        FeedbackRemote.Push(Remote, Exported, "mnist", manifest.Id);
        var (pulled, fromRemote) = FeedbackRemote.Fetch(Remote, Elsewhere, "mnist", manifest.Id);
        var (again, second) = FeedbackRemote.Fetch(null, Elsewhere, "mnist", manifest.Id);

        fromRemote.Should().BeTrue();
        pulled.Manifest.Should().BeEquivalentTo(manifest);
        File.ReadAllText(pulled.File("data.txt")).Should().Be("abc");
        second.Should().BeFalse("it is here now; no remote needed");
        again.Directory.Should().Be(pulled.Directory);
        Directory.GetFileSystemEntries(Elsewhere).Should().ContainSingle("no temporary folder is left behind");
    }

    [Fact]
    public void A_snapshot_in_neither_place_is_an_error_naming_the_id_and_both_places()
    {
        const string id = "0123456789ab";

        var pull = () => FeedbackRemote.Fetch(Remote, Elsewhere, "mnist", id);
        var withoutRemote = () => FeedbackRemote.Fetch(null, Elsewhere, "mnist", id);

        pull.Should().Throw<ConfigException>().WithMessage($"feedback snapshot '{id}' is neither in {Elsewhere} nor in the remote cache {Remote.Name} (entry feedback-mnist-{id})*");
        withoutRemote.Should().Throw<ConfigException>().WithMessage($"feedback snapshot '{id}' is not in {Elsewhere}, and no remote cache (DIGITFORGE_REMOTE) is set*");
        Directory.GetFileSystemEntries(Elsewhere).Should().BeEmpty();
    }

    [Fact]
    public void A_remote_copy_whose_data_does_not_hash_to_its_id_is_refused_and_not_kept()
    {
        var manifest = Write("abc");
        var tampered = temp.File("tampered");
        CopyFolder(Path.Combine(Exported, manifest.Id), tampered);
        File.WriteAllText(Path.Combine(tampered, "data.txt"), "abX");
        Remote.Push(FeedbackRemote.EntryName("mnist", manifest.Id), tampered);

        var pull = () => FeedbackRemote.Fetch(Remote, Elsewhere, "mnist", manifest.Id);

        pull.Should().Throw<InvalidDataException>().WithMessage($"*data.txt: missing or changed since feedback snapshot {manifest.Id} was written*");
        Directory.GetFileSystemEntries(Elsewhere).Should().BeEmpty();
    }

    [Fact]
    public void A_manifest_edited_to_match_changed_data_still_fails_its_content_hash()
    {
        var manifest = Write("abc");
        var snapshot = FeedbackSnapshots.Read(Exported, manifest.Id);
        File.WriteAllText(snapshot.File("data.txt"), "abX");
        var files = new Dictionary<string, string> { ["data.txt"] = Engine.Hashing.ContentHash.OfFile(snapshot.File("data.txt")) };
        Engine.Storage.JsonFile.Write(snapshot.File(FeedbackSnapshots.ManifestFile), manifest with { Files = files });

        var push = () => FeedbackRemote.Push(Remote, Exported, "mnist", manifest.Id);

        push.Should().Throw<InvalidDataException>().WithMessage($"*{FeedbackSnapshots.ManifestFile}: its files do not hash to snapshot {manifest.Id}*");
        Directory.Exists(Remote.Directory).Should().BeFalse("nothing was pushed");
    }

    [Fact]
    public void Another_pipelines_snapshot_under_the_id_is_refused()
    {
        var manifest = Write("abc");
        FeedbackRemote.Push(Remote, Exported, "mnist", manifest.Id);
        File.Move(Path.Combine(Remote.Directory, $"{FeedbackRemote.EntryName("mnist", manifest.Id)}.zip"), Path.Combine(Remote.Directory, $"{FeedbackRemote.EntryName("hn", manifest.Id)}.zip"));

        var pull = () => FeedbackRemote.Fetch(Remote, Elsewhere, "hn", manifest.Id);

        pull.Should().Throw<InvalidDataException>().WithMessage($"*holds snapshot {manifest.Id} of mnist, not {manifest.Id} of hn");
    }

    public void Dispose() => temp.Dispose();

    private FeedbackManifest Write(string data) => FeedbackSnapshots.Write(Exported, "mnist", FeedbackSnapshotsTests.Content(data));

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
