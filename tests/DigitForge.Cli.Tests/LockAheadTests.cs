using DigitForge.Cli.Commands;

namespace DigitForge.Cli.Tests;

/// <summary>
/// How the lock holder build.sh starts beside Cake reads build.sh's arguments: as build/build.cake
/// gives them to <c>digitforge lock</c>, or not at all when one is beyond what it reads (the script
/// then takes the lock itself, so reading too little only costs time).
/// </summary>
[Trait("Category", "Unit")]
public sealed class LockAheadTests
{
    private const string Root = "/repo";

    [Fact]
    public void No_arguments_are_the_scripts_defaults()
    {
        var read = LockAheadCommand.Read([], Root, 42)!;

        read.Target.Should().Be("Report");
        read.LockArguments.Should().Equal(
            "--root", Root, "--pipeline", "mnist", "--artifacts", "artifacts",
            "--graph", "--purpose", "./build.sh --pipeline=mnist --target=Report", "--pid", "42");
    }

    [Fact]
    public void Recipe_overrides_and_folders_are_passed_in_the_scripts_order()
    {
        var read = LockAheadCommand.Read(
            ["--set=train.epochs=3", "--Target=Evaluate", "--config=configs/mnist/ci.json", "--no-wait", "--artifacts=/tmp/a b", "--set=train.seed=7", "--rerun"],
            Root,
            7)!;

        read.Target.Should().Be("Evaluate");
        read.LockArguments.Should().Equal(
            "--root", Root, "--pipeline", "mnist", "--config", "configs/mnist/ci.json", "--artifacts", "/tmp/a b",
            "--set", "train.epochs=3", "--set", "train.seed=7",
            "--graph", "--purpose", "./build.sh --pipeline=mnist --target=Evaluate", "--pid", "7", "--no-wait");
    }

    [Theory]
    [InlineData("--target", "Evaluate")] // Cake's space-separated form
    [InlineData("--target")] // a bare value
    [InlineData("--target=Train", "--target=Evaluate")] // given twice
    [InlineData("--seet=train.epochs=3")] // unknown: the script refuses it
    [InlineData("--dryrun")] // Cake's own modes run no stage
    [InlineData("-t=Train")]
    public void Anything_else_leaves_the_lock_to_the_script(params string[] arguments) =>
        LockAheadCommand.Read(arguments, Root, 1).Should().BeNull();

    [Fact]
    public void Socket_folders_left_by_killed_builds_are_deleted_once_abandoned()
    {
        using var temp = new TempDirectory();
        var abandoned = Directory.CreateDirectory(Path.Combine(temp.Path, "digitforge-lock.old123")).FullName;
        File.WriteAllText(Path.Combine(abandoned, "lock.sock"), string.Empty);
        Directory.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow.AddHours(-2));
        var current = Directory.CreateDirectory(Path.Combine(temp.Path, "digitforge-lock.new456")).FullName;
        var own = Directory.CreateDirectory(Path.Combine(temp.Path, "digitforge-lock.own789")).FullName;
        var unrelated = Directory.CreateDirectory(Path.Combine(temp.Path, "someone-else")).FullName;
        Directory.SetLastWriteTimeUtc(unrelated, DateTime.UtcNow.AddHours(-2));

        LockAheadCommand.DeleteAbandoned(own, DateTime.UtcNow.AddHours(-1));

        Directory.Exists(abandoned).Should().BeFalse();
        Directory.Exists(current).Should().BeTrue("a folder younger than the limit may belong to a build that is starting");
        Directory.Exists(unrelated).Should().BeTrue("only build.sh's socket folders are touched");
    }
}
