using System.Text.RegularExpressions;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// docs/add-a-pipeline.md's "Add a C# pipeline" followed to the letter in a copy of the repository: the commands of
/// its <c>bash</c> blocks, in order, make a pipeline whose tests pass, whose first build compiles the CLI and runs its
/// stages, and whose next build skips them. The commands are read from the page, so the page and the test cannot drift.
/// </summary>
[Collection(BuildLanes.Second)]
[Trait("Category", "EndToEnd")]
public sealed partial class AddAPipelineDocTests : IDisposable
{
    private const string Page = "docs/add-a-pipeline.md";
    private const string Section = "## Add a C# pipeline";

    // The stages templates/pipeline declares.
    private static readonly string[] Stages = ["Generate", "Train", "Evaluate"];

    private readonly TempDirectory copy = new();
    private readonly RepoBuild build;

    public AddAPipelineDocTests()
    {
        RepoCopy.Create(copy.Path);
        build = new RepoBuild(copy.Path);
    }

    public void Dispose()
    {
        build.Dispose();
        copy.Dispose();
    }

    [Fact]
    public void The_documented_commands_make_a_pipeline_whose_tests_pass_whose_build_runs_its_stages_and_whose_next_build_skips_them()
    {
        var commands = DocumentedCommands(File.ReadAllText(Path.Combine(copy.Path, Page)));
        var name = NameArgument().Match(commands.Single(c => c.Contains("--target=NewPipeline", StringComparison.Ordinal))).Groups[1].Value;
        name.Should().NotBeEmpty($"{Page} names the new pipeline with --name=");

        var refused = build.Shell($"./build.sh --target=NewPipeline --name={name.ToUpperInvariant()}", TimeSpan.FromMinutes(2));
        refused.ExitCode.Should().Be(2, refused.ToString());
        refused.Output.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain($"--name '{name.ToUpperInvariant()}'");
        Directory.Exists(Path.Combine(copy.Path, "configs", name)).Should().BeFalse("a refused name writes nothing");

        var results = new List<(string Command, BuildResult Result)>();
        foreach (var command in commands)
        {
            var result = build.Shell(command, TimeSpan.FromMinutes(8));
            result.ExitCode.Should().Be(0, $"{Page}: `{command}` must work\n{result}");
            results.Add((command, result));
        }

        results.Single(r => r.Command.StartsWith("dotnet test", StringComparison.Ordinal)).Result.Output.Should().Contain("Passed!");
        var builds = results.Where(r => r.Command.StartsWith($"./build.sh --pipeline={name}", StringComparison.Ordinal)).Select(r => r.Result).ToList();
        builds.Should().HaveCountGreaterThan(1, $"{Page} builds the new pipeline, then builds it again");
        builds[0].Output.Should().Contain("Compiling the digitforge CLI", "the first build compiles the CLI with the new pipeline in it\n" + builds[0]);
        builds[0].Statuses(Stages).Should().AllBe("Succeeded", builds[0].ToString());
        builds[^1].Statuses(Stages).Should().AllBe("Skipped", builds[^1].ToString());
        File.ReadAllText(Path.Combine(copy.Path, "configs", name, "config.schema.json")).Should().Contain($"\"title\": \"DigitForge {name} recipe\"");
    }

    /// <summary>Each line of the section's <c>bash</c> blocks that is not a comment, in order.</summary>
    private static List<string> DocumentedCommands(string page)
    {
        var lines = page.ReplaceLineEndings("\n").Split('\n');
        var start = Array.IndexOf(lines, Section);
        start.Should().BeGreaterThan(-1, $"{Page} has a section '{Section}'");
        var commands = new List<string>();
        var inBlock = false;
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock && line == "```bash";
            }
            else if (inBlock && line.Trim() is { Length: > 0 } command && !command.StartsWith('#'))
            {
                commands.Add(command);
            }
        }

        return commands.Count > 0 ? commands : throw new InvalidDataException($"{Page}: '{Section}' has no bash block");
    }

    [GeneratedRegex("--name=([a-z0-9]+)")]
    private static partial Regex NameArgument();
}
