using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

namespace DigitForge.Registry.Tests;

[Trait("Category", "Unit")]
public sealed class DamagedRegistryTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly ModelStore store;
    private readonly ModelRegistry registry;

    public DamagedRegistryTests()
    {
        store = new ModelStore(temp.File("models"));
        registry = new ModelRegistry(store);
        foreach (var seed in new[] { "a", "b" })
        {
            registry.Register(TestModels.Add(store, seed).Version, TestModels.Metrics());
        }

        registry.Promote(1, QualityGate.Decide(TestModels.Metrics(), null, new GateConfig(), TestModels.Digits));
    }

    public void Dispose() => temp.Dispose();

    public static TheoryData<string, string> Damages => new()
    {
        { "truncated", "not valid JSON*" },
        { "unknown stage", "versions[1] (version 2): unknown stage \"staging\", expected one of candidate, production, archived, rejected, deleted" },
        { "stage as a number", "versions[1] (version 2): unknown stage 3, *" },
        { "two productions", "2 versions are production (v0001-*, v0002-*); at most one may be" },
        { "missing model folder", "v0002-* is listed but its model folder * does not exist (dangling version)" },
        { "event refers to an unlisted version", "v0001-*: an event refers to version 9, which is not listed (dangling version)" },
        { "listed twice", "version 1 is listed twice" },
        { "other schema", "schema 2, expected 1" },
        { "missing metrics", "unreadable (Required property 'metrics' not found in JSON. Path 'versions[1]'*" },
        { "null events", "unreadable (Required property 'events' expects a value but got null. Path 'versions[0]*" },
        { "missing actor user", "unreadable (Required property 'user' not found in JSON. Path 'versions[0].events[0].actor'*" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void Damaged_registry_is_refused_naming_file_and_problem_and_left_byte_identical(string damage, string problem)
    {
        Damage(damage);
        var damaged = File.ReadAllBytes(registry.FilePath);

        var mutate = () => registry.Register(TestModels.Add(store, "c").Version, TestModels.Metrics());
        var read = () => registry.List();

        mutate.Should().Throw<RegistryDamagedException>().WithMessage($"{registry.FilePath} is damaged: {problem}. It was left unchanged.*");
        read.Should().Throw<RegistryDamagedException>();
        File.ReadAllBytes(registry.FilePath).Should().Equal(damaged);
    }

    [Fact]
    public void Damage_message_points_to_a_good_backup_which_restores_the_registry()
    {
        var good = File.ReadAllBytes(registry.FilePath);
        Damage("truncated");

        var act = () => registry.Reject(2, ["why"]);

        act.Should().Throw<RegistryDamagedException>()
            .WithMessage($"*The backup {registry.BackupPath} is good (2 versions, production v0001-*): check it, then copy it over {registry.FilePath} to restore.");
        File.ReadAllBytes(registry.BackupPath).Should().Equal(good);
        File.Copy(registry.BackupPath, registry.FilePath, overwrite: true);
        registry.Reject(2, ["why"]).Stage.Should().Be(ModelStage.Rejected);
    }

    [Fact]
    public void Deleted_registry_with_a_backup_is_refused_instead_of_starting_empty()
    {
        var backup = File.ReadAllBytes(registry.BackupPath);
        File.Delete(registry.FilePath);

        var act = () => registry.Register(TestModels.Add(store, "c").Version, TestModels.Metrics());

        act.Should().Throw<RegistryDamagedException>()
            .WithMessage($"{registry.FilePath} is damaged: the file is missing but its backup exists. It was left unchanged. The backup * is good*");
        File.Exists(registry.FilePath).Should().BeFalse();
        File.ReadAllBytes(registry.BackupPath).Should().Equal(backup);
    }

    [Fact]
    public void Damage_message_says_when_the_backup_cannot_help()
    {
        Damage("missing model folder");

        var act = () => registry.List();

        act.Should().Throw<RegistryDamagedException>()
            .WithMessage($"*The backup {registry.BackupPath} cannot restore it (v0002-* is listed but its model folder*): repair the file by hand.");
    }

    private void Damage(string damage)
    {
        var json = JObject.Parse(File.ReadAllText(registry.FilePath));
        var versions = (JArray)json["versions"]!;
        switch (damage)
        {
            case "truncated":
                File.WriteAllText(registry.FilePath, File.ReadAllText(registry.FilePath)[..40]);
                return;
            case "unknown stage":
                versions[1]["stage"] = "staging";
                break;
            case "stage as a number":
                versions[1]["stage"] = 3;
                break;
            case "two productions":
                versions[1]["stage"] = "production";
                break;
            case "missing model folder":
                Directory.Delete(store.Get(2).Directory, recursive: true);
                return;
            case "event refers to an unlisted version":
                versions[0]["events"]![1]!["from"] = 9;
                break;
            case "listed twice":
                versions[1].Replace(versions[0].DeepClone());
                break;
            case "missing metrics":
                ((JObject)versions[1]).Remove("metrics");
                break;
            case "null events":
                versions[0]["events"] = null;
                break;
            case "missing actor user":
                ((JObject)versions[0]["events"]![0]!["actor"]!).Remove("user");
                break;
            case "other schema":
                json["schema"] = 2;
                break;
        }

        File.WriteAllText(registry.FilePath, json.ToString());
    }
}
