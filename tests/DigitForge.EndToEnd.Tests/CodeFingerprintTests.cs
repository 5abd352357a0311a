using System.Diagnostics;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// Source edits in a copy of this repository, each followed by the real build on configs/mnist/ci.json:
/// what re-runs follows the code, not its comments. One copy and ordered steps, since every step
/// recompiles the CLI; the copy starts from the seeded stage cache (its compiled CLI is the same).
/// </summary>
[Collection(BuildLanes.First)]
[Trait("Category", "EndToEnd")]
public sealed class CodeFingerprintTests : IDisposable
{
    private static readonly string[] Stages = ["Ingest", "Preprocess", "Train", "Evaluate"];
    private readonly TempDirectory copy = new();
    private readonly RepoBuild build;

    public CodeFingerprintTests()
    {
        RepoCopy.Create(copy.Path);
        build = new RepoBuild(copy.Path, seeded: true);
    }

    public void Dispose()
    {
        build.Dispose();
        copy.Dispose();
    }

    [Fact]
    public void Comment_edits_and_cli_edits_rerun_nothing_and_a_real_training_change_reruns_train_and_evaluate()
    {
        var first = Evaluate();
        first.ExitCode.Should().Be(0, first.ToString());
        first.Statuses(Stages).Should().AllBe("Skipped", "the seeded cache holds them\n" + first);

        // 1. Comments and whitespace in the training code: the assembly's bytes change (PDB id, MVID), its code does not.
        Edit("src/DigitForge.Training/TrainConfig.cs", "/// <summary>The <c>train</c> section.",
            "// A comment-only edit: nothing may re-run for it.\n\n/* and a block\n   comment */\n/// <summary>The <c>train</c> section.");
        Edit("src/DigitForge.Training/TrainConfig.cs", "public sealed class TrainConfig", "public   sealed class TrainConfig  ");

        // 2. Real code in the CLI, which no stage's fingerprint includes. One rebuild for both edits
        // (a compile costs a minute here): if either re-ran a stage, this build would show it.
        File.WriteAllText(Path.Combine(copy.Path, "src/DigitForge.Cli/EndToEndProbe.cs"),
            "namespace DigitForge.Cli;\n\npublic static class EndToEndProbe\n{\n    public static int Answer => 42;\n}\n");
        var edited = Evaluate();
        edited.ExitCode.Should().Be(0, edited.ToString());
        edited.Output.Should().Contain("Compiling the digitforge CLI", "the CLI is rebuilt from the edited sources\n" + edited);
        edited.Statuses(Stages).Should().AllBe("Skipped", edited.ToString());
        edited.Output.Should().NotContain("code changed");

        // 3. A new public method in the training code is a metadata change: Train and what reads its code re-run, naming the assembly.
        File.WriteAllText(Path.Combine(copy.Path, "src/DigitForge.Training/EndToEndProbe.cs"),
            "namespace DigitForge.Training;\n\npublic static class EndToEndProbe\n{\n    public static int Answer => 42;\n}\n");
        var changed = Evaluate();
        changed.ExitCode.Should().Be(0, changed.ToString());
        changed.Statuses(Stages).Should().Equal(["Skipped", "Skipped", "Succeeded", "Succeeded"], changed.ToString());
        changed.Output.Should().MatchRegex(@"Train: stale: code changed: DigitForge\.Training").And.MatchRegex(@"Evaluate: stale: code changed: DigitForge\.Training");
    }

    private BuildResult Evaluate() => build.Run("--target=Evaluate", "--config=configs/mnist/ci.json");

    private void Edit(string file, string anchor, string replacement)
    {
        var path = Path.Combine(copy.Path, file);
        var text = File.ReadAllText(path);
        text.Should().Contain(anchor);
        File.WriteAllText(path, text.Replace(anchor, replacement, StringComparison.Ordinal));
    }
}
