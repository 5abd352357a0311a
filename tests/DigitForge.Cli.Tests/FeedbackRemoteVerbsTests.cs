using DigitForge.Monitoring.Feedback;

namespace DigitForge.Cli.Tests;

/// <summary>
/// What CI does on a drift alert, as real processes: a snapshot pushed to a remote cache in a folder, lost with the
/// runner's disk, pulled back when the recipe names it, and refused, naming where it looked, when it is nowhere.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class FeedbackRemoteVerbsTests : IDisposable
{
    private const string Unknown = "0123456789ab";

    private readonly TempDirectory temp = new();

    private string Feedback => temp.File("artifacts/mnist/feedback");

    private string Recipe => temp.File("recipe.json");

    [Fact]
    public void Push_add_to_the_recipe_and_pull_go_through_the_remote_and_a_missing_snapshot_is_named()
    {
        var id = FeedbackSnapshots.Write(Feedback, "mnist", new FeedbackContent(
            folder => File.WriteAllText(Path.Combine(folder, "data.txt"), "abc"), 3, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, new Dictionary<string, int>())).Id;
        File.Copy(Path.Combine(Repository.Root, "configs", "mnist", "default.json"), Recipe);
        var remote = new Dictionary<string, string?> { ["DIGITFORGE_REMOTE"] = temp.File("remote") };

        var push = Run(remote, "feedback", "push", id);
        Directory.Delete(Feedback, recursive: true);
        var add = Run(remote, "config", "add-feedback", id);
        var again = Run(remote, "config", "add-feedback", id);
        var pull = Run(remote, "feedback", "pull");
        var unknown = Run(remote, "config", "add-feedback", Unknown);
        var noRemote = Run(null, "feedback", "pull", Unknown);

        push.Should().Be((0, $"pushed feedback snapshot {id} (3 examples) to {temp.File("remote")} as feedback-mnist-{id}\n", string.Empty));
        add.Output.Should().Be($"pulled feedback snapshot {id} (3 examples) from {temp.File("remote")} into {Path.Combine(Feedback, id)}\n{Recipe}: data.feedback += \"{id}\"\n");
        again.Output.Should().EndWith($"{Recipe}: data.feedback names {id} already; unchanged\n");
        pull.Output.Should().Be($"feedback snapshot {id} (3 examples) is in {Path.Combine(Feedback, id)}\n");
        File.ReadAllText(Recipe).Should().Contain($"\"feedback\": [\n      \"{id}\"\n    ]");
        unknown.Code.Should().Be(ExitCodes.UsageError);
        unknown.Error.Should().Contain($"feedback snapshot '{Unknown}' is neither in {Feedback} nor in the remote cache {temp.File("remote")} (entry feedback-mnist-{Unknown})");
        File.ReadAllText(Recipe).Should().NotContain(Unknown);
        noRemote.Code.Should().Be(ExitCodes.UsageError);
        noRemote.Error.Should().Contain($"feedback snapshot '{Unknown}' is not in {Feedback}, and no remote cache (DIGITFORGE_REMOTE) is set to pull it from");
    }

    public void Dispose() => temp.Dispose();

    private (int Code, string Output, string Error) Run(IReadOnlyDictionary<string, string?>? environment, params string[] arguments) =>
        CliProcess.Run(temp.Path, [.. arguments, "--pipeline", "mnist", "--config", Recipe, "--root", Repository.Root, "--artifacts", temp.File("artifacts")], environment);
}
