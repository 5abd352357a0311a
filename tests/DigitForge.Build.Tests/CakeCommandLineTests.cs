using DigitForge.Cli.Build;

namespace DigitForge.Build.Tests;

/// <summary>
/// The planner build.sh starts beside Cake reads the command line as Cake will: checked against Cake
/// itself, running a script that prints the arguments as build/build.cake hands them to the planner.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CakeCommandLineTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("--target=Evaluate", "--set=train.epochs=2", "--set=train.seed=3", "--rerun")]
    [InlineData("--target", "Graph", "--verbosity=diagnostic", "--pipeline=hn")]
    [InlineData("-v", "quiet", "--config=configs/mnist/ci.json", "--force", "--dryrun")]
    [InlineData("--tree", "--exclusive", "--input=a b.csv", "--Name", "value")]
    public void It_reads_the_script_arguments_and_the_listing_modes_as_Cake_does(params string[] arguments)
    {
        var script = temp.File("arguments.cake");
        File.WriteAllText(script, """
            var listing = System.Environment.GetCommandLineArgs().Any(a => a is "--dryrun" or "--noop" or "--whatif" or "--tree" or "--description" or "--showdescription");
            var lines = Context.Arguments.GetArguments().SelectMany(a => a.Value.Select(v => $"--{a.Key}={v}")).Prepend($"listing={listing}");
            System.IO.File.WriteAllLines(System.IO.Path.Combine(Context.Environment.WorkingDirectory.FullPath, "read.txt"), lines);
            """);

        Tools.Run("dotnet", ["tool", "restore"], Tools.RepoRoot, null, TimeSpan.FromMinutes(2)).ExitCode.Should().Be(0);
        var cake = Tools.Run("dotnet", ["cake", script, .. arguments], Tools.RepoRoot, null, TimeSpan.FromMinutes(2));
        cake.ExitCode.Should().Be(0, cake.Output);

        var read = File.ReadAllLines(temp.File("read.txt"));
        var planner = CakeCommandLine.Parse(arguments);
        planner.RunsScript.Should().BeTrue();
        planner.Listing.Should().Be(read[0] == "listing=True");
        planner.Arguments.Should().BeEquivalentTo(read.Skip(1), "the planner must take the arguments Cake gives the script");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("--version")]
    [InlineData("--info")]
    public void Cakes_own_answers_run_no_script(string option) =>
        CakeCommandLine.Parse([option, "--target=Train"]).RunsScript.Should().BeFalse();
}
