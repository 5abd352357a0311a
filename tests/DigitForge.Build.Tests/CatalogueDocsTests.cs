using DigitForge.Cli.Build;

namespace DigitForge.Build.Tests;

/// <summary>The manual's reference pages name every target and argument of the build's catalogue.</summary>
[Trait("Category", "Unit")]
public sealed class CatalogueDocsTests
{
    private static readonly string Commands = File.ReadAllText(Path.Combine(Tools.RepoRoot, "docs", "commands.md"));

    [Fact]
    public void Every_target_is_in_the_commands_page() =>
        BuildCatalogue.Targets.Select(t => t.Name).Where(name => !Commands.Contains($"`{name}", StringComparison.Ordinal))
            .Should().BeEmpty("docs/commands.md lists every target of src/DigitForge.Cli/Build/BuildCatalogue.cs");

    [Fact]
    public void Every_argument_is_in_the_commands_or_configuration_page()
    {
        var pages = Commands + File.ReadAllText(Path.Combine(Tools.RepoRoot, "docs", "configuration.md"));
        BuildCatalogue.Arguments.Select(a => "--" + a.Name).Where(name => !pages.Contains(name, StringComparison.Ordinal))
            .Should().BeEmpty("the manual describes every argument the build reads");
    }
}
