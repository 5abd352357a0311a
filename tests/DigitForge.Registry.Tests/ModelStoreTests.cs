using DigitForge.Engine.Hashing;
using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

namespace DigitForge.Registry.Tests;

[Trait("Category", "Unit")]
public sealed class ModelStoreTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly ModelStore store;

    public ModelStoreTests() => store = new ModelStore(temp.File("models"));

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Versions_are_numbered_from_one_and_named_with_the_short_content_hash()
    {
        var first = TestModels.Add(store, "a");
        var second = TestModels.Add(store, "b");

        first.Created.Should().BeTrue();
        first.Version.Name.Should().Be($"v0001-{TestModels.HashOf("a")[..7]}");
        second.Version.Name.Should().Be($"v0002-{TestModels.HashOf("b")[..7]}");
        Directory.Exists(second.Version.Directory).Should().BeTrue();
        store.List().Select(v => v.Number).Should().Equal(1, 2);
    }

    [Fact]
    public void A_deleted_newest_version_does_not_give_its_number_away_again()
    {
        TestModels.Add(store, "a");
        var second = TestModels.Add(store, "b");
        Directory.Delete(second.Version.Directory, recursive: true);

        TestModels.Add(store, "c").Version.Number.Should().Be(3);
    }

    [Fact]
    public void Content_that_names_its_own_version_is_given_the_folder_name_it_will_have()
    {
        TestModels.Add(store, "a");
        string? given = null;

        var added = store.Add(TestModels.HashOf("b"), (directory, version) =>
        {
            given = version;
            File.WriteAllText(Path.Combine(directory, "model.onnx"), version);
            return new JObject { ["version"] = version };
        });

        given.Should().Be(added.Version.Name).And.StartWith("v0002-");
        File.ReadAllText(added.Version.OnnxPath).Should().Be(added.Version.Name);
        store.ReadManifest(added.Version).Details["version"]!.Value<string>().Should().Be(added.Version.Name);
    }

    [Fact]
    public void Same_content_hash_returns_the_existing_version_without_writing_anything()
    {
        var first = TestModels.Add(store, "a");
        var written = false;

        var again = store.Add(TestModels.HashOf("a"), _ => written = true, []);

        again.Created.Should().BeFalse();
        again.Version.Should().Be(first.Version);
        written.Should().BeFalse();
        store.List().Should().ContainSingle();
    }

    [Fact]
    public void Manifest_records_every_file_hash_and_the_callers_details()
    {
        var details = new JObject { ["fingerprints"] = new JObject { ["train"] = "abc" }, ["parentProduction"] = 3 };
        var added = store.Add(TestModels.HashOf("a"), directory =>
        {
            File.WriteAllText(Path.Combine(directory, "model.onnx"), "onnx");
            Directory.CreateDirectory(Path.Combine(directory, "extra"));
            File.WriteAllText(Path.Combine(directory, "extra", "labels.txt"), "0-9");
        }, details);

        var manifest = store.ReadManifest(added.Version);

        manifest.Version.Should().Be(1);
        manifest.ContentHash.Should().Be(TestModels.HashOf("a"));
        manifest.Files.Should().Equal(new Dictionary<string, string>
        {
            ["extra/labels.txt"] = ContentHash.OfText("0-9"),
            ["model.onnx"] = ContentHash.OfText("onnx"),
        });
        JToken.DeepEquals(manifest.Details, details).Should().BeTrue();
        store.Verify(added.Version).Should().BeEmpty();
    }

    [Fact]
    public void Leftover_staging_folder_of_a_killed_process_is_not_a_version_and_is_cleaned_by_the_next_add()
    {
        // What a process killed while writing leaves: a staging folder with some files, no manifest.
        var leftover = Path.Combine(store.Root, ".staging", "0123456789abcdef");
        Directory.CreateDirectory(leftover);
        File.WriteAllText(Path.Combine(leftover, TestModels.WeightsFile), "half");

        store.List().Should().BeEmpty();
        var added = TestModels.Add(store, "a");

        added.Version.Number.Should().Be(1);
        Directory.Exists(leftover).Should().BeFalse();
        Directory.GetDirectories(Path.Combine(store.Root, ".staging")).Should().BeEmpty();
    }

    [Fact]
    public void A_failed_write_leaves_no_version_behind()
    {
        var act = () => store.Add(TestModels.HashOf("a"), directory =>
        {
            File.WriteAllText(Path.Combine(directory, TestModels.WeightsFile), "half");
            throw new IOException("disk full");
        }, []);

        act.Should().Throw<IOException>().WithMessage("disk full");
        store.List().Should().BeEmpty();
        Directory.GetDirectories(Path.Combine(store.Root, ".staging")).Should().BeEmpty();
    }

    [Fact]
    public void Modified_file_is_named_when_verifying()
    {
        var version = TestModels.Add(store, "a").Version;
        File.WriteAllText(version.File(TestModels.WeightsFile), "tampered");

        store.Verify(version).Should().ContainSingle().Which.Should().StartWith($"{TestModels.WeightsFile} modified");
        var act = () => store.EnsureIntact(version);
        act.Should().Throw<InvalidDataException>()
            .WithMessage($"{version.Directory}: model files do not match manifest.json: {TestModels.WeightsFile} modified*");
    }

    [Fact]
    public void Missing_and_unexpected_files_are_named_when_verifying()
    {
        var version = TestModels.Add(store, "a").Version;
        File.Delete(version.File(TestModels.WeightsFile));
        File.WriteAllText(version.File("stray.bin"), "?");

        store.Verify(version).Should().Equal($"{TestModels.WeightsFile} missing", "stray.bin is not in manifest.json");
    }

    [Fact]
    public void Missing_manifest_is_named_when_verifying()
    {
        var version = TestModels.Add(store, "a").Version;
        File.Delete(version.ManifestPath);

        store.Verify(version).Should().Equal("manifest.json missing");
    }

    [Fact]
    public void Re_adding_content_whose_stored_version_was_tampered_with_is_refused()
    {
        var version = TestModels.Add(store, "a").Version;
        File.WriteAllText(version.File(TestModels.WeightsFile), "tampered");

        var act = () => TestModels.Add(store, "a");

        act.Should().Throw<InvalidDataException>().WithMessage("*weights.bin modified*delete the folder*");
    }

    [Fact]
    public void Unknown_version_lists_the_known_ones()
    {
        var version = TestModels.Add(store, "a").Version;

        var act = () => store.Get(9);

        act.Should().Throw<RegistryException>().WithMessage($"*no model version 9; known versions: {version.Name}");
    }

    [Fact]
    public void A_content_hash_must_be_hex()
    {
        var act = () => store.Add("not-a-hash", _ => { }, []);

        act.Should().Throw<ArgumentException>().WithMessage("*at least 7 hex digits*");
    }
}
