using DigitForge.Cli.Commands;
using DigitForge.Engine.History;

namespace DigitForge.Cli.Tests;

/// <summary>The run history's commit and dirty flag, read from one <c>git status --porcelain=v2 --branch</c>.</summary>
[Trait("Category", "Unit")]
public sealed class GitStateTests
{
    private const string Commit = "d39c94e0c7a1b2f3e4d5c6b7a8091a2b3c4d5e6f";

    [Fact]
    public void A_clean_tree_gives_its_commit()
    {
        RunRecorder.ParseStatus($"# branch.oid {Commit}\n# branch.head main\n")
            .Should().Be(new GitState(Commit, Dirty: false));
    }

    [Theory]
    [InlineData("1 .M N... 100644 100644 100644 aaaa bbbb src/a.cs")]
    [InlineData("? scratch.txt")]
    public void Any_change_or_untracked_file_makes_it_dirty(string change)
    {
        RunRecorder.ParseStatus($"# branch.oid {Commit}\n# branch.head main\n{change}\n")
            .Should().Be(new GitState(Commit, Dirty: true));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("# branch.oid (initial)\n# branch.head main\n")]
    public void No_git_no_repository_or_no_commit_gives_nothing(string? status)
    {
        RunRecorder.ParseStatus(status).Should().BeNull();
    }
}
