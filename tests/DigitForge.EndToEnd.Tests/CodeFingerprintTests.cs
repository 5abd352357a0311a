using System.Diagnostics;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// Source edits in a fresh clone of this repository, each followed by the real build on
/// configs/mnist/ci.json, starting from the seeded stage cache (built by this checkout's CLI): what
/// re-runs follows the code, not its comments, and a clone compiles the same code fingerprints. One
/// clone and ordered steps, since every step compiles the CLI.
/// </summary>
[Collection(BuildLanes.First)]
[Trait("Category", "EndToEnd")]
public sealed class CodeFingerprintTests : IDisposable
{
    private static readonly string[] Stages = ["Ingest", "Preprocess", "Train", "Evaluate"];
    private readonly TempDirectory clone = new();
    private readonly RepoBuild build;

    public CodeFingerprintTests()
    {
        // The committed state, as another machine or a CI job checks it out.
        using var git = Process.Start("git", ["clone", "--quiet", RepoBuild.FindRoot(), clone.Path])!;
        git.WaitForExit();
        git.ExitCode.Should().Be(0);

        // Cake's tooling (the precompiled Cake, the compiled script) is not the code under test: copied,
        // so the clone compiles only the CLI.
        RepoTools.EnsureCompiled();
        RepoCopy.CopyCompiled(clone.Path, "bin/cake", "tools/cache");
        build = new RepoBuild(clone.Path, seeded: true);
    }

    public void Dispose()
    {
        build.Dispose();
        clone.Dispose();
    }

    [Fact]
    public void A_clone_with_comment_edits_and_unreachable_code_reruns_nothing_and_a_reachable_training_change_reruns_train_and_evaluate()
    {
        // 1. Comments and whitespace in the training code: the assembly's bytes change (PDB id, MVID), its code does not.
        Edit("src/DigitForge.Training/TrainConfig.cs", "/// <summary>The <c>train</c> section.",
            "// A comment-only edit: nothing may re-run for it.\n\n/* and a block\n   comment */\n/// <summary>The <c>train</c> section.");
        Edit("src/DigitForge.Training/TrainConfig.cs", "public sealed class TrainConfig", "public   sealed class TrainConfig  ");

        // 2. Real code no stage can reach: a new class in the training code, and one in the CLI. One
        // compile for the edits and the clone (a compile costs a minute here): the seeded stages were
        // built by this checkout's CLI, so if the clone's compile, an edit or anything else re-ran a
        // stage, this build would show it.
        File.WriteAllText(Path.Combine(clone.Path, "src/DigitForge.Training/EndToEndProbe.cs"),
            "namespace DigitForge.Training;\n\ninternal static class EndToEndProbe\n{\n    public static int Answer => 42;\n}\n");
        File.WriteAllText(Path.Combine(clone.Path, "src/DigitForge.Cli/EndToEndProbe.cs"),
            "namespace DigitForge.Cli;\n\npublic static class EndToEndProbe\n{\n    public static int Answer => 42;\n}\n");
        var edited = Evaluate();
        edited.ExitCode.Should().Be(0, edited.ToString());
        edited.Output.Should().Contain("Compiling the digitforge CLI", "the clone compiles its CLI from the edited sources\n" + edited);
        edited.Statuses(Stages).Should().AllBe("Skipped", edited.ToString());
        edited.Output.Should().NotContain("code changed");

        // 3. A real change in training code both Train and Evaluate reach (the network's shape check):
        // they re-run, naming the assembly; Ingest and Preprocess cannot reach it.
        Edit("src/DigitForge.Training/Model/DigitCnn.cs", "needs 3 positive channel counts.", "needs three positive channel counts.");
        var changed = Evaluate();
        changed.ExitCode.Should().Be(0, changed.ToString());
        changed.Statuses(Stages).Should().Equal(["Skipped", "Skipped", "Succeeded", "Succeeded"], changed.ToString());
        changed.Output.Should().MatchRegex(@"Train: stale: code changed: DigitForge\.Training").And.MatchRegex(@"Evaluate: stale: code changed: DigitForge\.Training");
    }

    private BuildResult Evaluate() => build.Run("--target=Evaluate", "--config=configs/mnist/ci.json");

    private void Edit(string file, string anchor, string replacement)
    {
        var path = Path.Combine(clone.Path, file);
        var text = File.ReadAllText(path);
        text.Should().Contain(anchor);
        File.WriteAllText(path, text.Replace(anchor, replacement, StringComparison.Ordinal));
    }
}
