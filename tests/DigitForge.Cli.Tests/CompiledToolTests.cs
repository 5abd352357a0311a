using DigitForge.Cli.Build;

namespace DigitForge.Cli.Tests;

/// <summary>A compiled tool is stale exactly when its sources' content changed, however their timestamps move.</summary>
[Trait("Category", "Unit")]
public sealed class CompiledToolTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("digitforge-tool-").FullName;
    private readonly CompiledTool tool = new("probe", "src/App/App.csproj", "app.dll");

    public CompiledToolTests()
    {
        Write("src/App/App.csproj", "<Project><ItemGroup><ProjectReference Include=\"../Lib/Lib.csproj\" /></ItemGroup></Project>");
        Write("src/App/Program.cs", "class Program {}");
        Write("src/Lib/Lib.csproj", "<Project />");
        Write("src/Lib/Helper.cs", "class Helper {}");
        Write("src/Other/Other.cs", "class Other {}");
        Write("build/msbuild/Fix.targets", "<Project />");
        Write("build/bin/probe/app.dll", "compiled");
        tool.WriteStamp(root);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void Fresh_stamp_is_up_to_date_and_a_file_outside_the_project_closure_changes_nothing()
    {
        tool.IsUpToDate(root).Should().BeTrue();
        Write("src/Other/Other.cs", "class Other { int x; }");
        tool.IsUpToDate(root).Should().BeTrue();
    }

    [Fact]
    public void A_touched_file_with_the_same_content_is_up_to_date_and_renews_the_stamp()
    {
        var stamp = File.ReadAllText(Path.Combine(root, "build/bin/probe", CompiledTool.StampName));
        File.SetLastWriteTimeUtc(Path.Combine(root, "src/Lib/Helper.cs"), DateTime.UtcNow.AddMinutes(5));
        tool.IsUpToDate(root).Should().BeTrue();
        File.ReadAllText(Path.Combine(root, "build/bin/probe", CompiledTool.StampName)).Should().NotBe(stamp, "the timestamps it holds were renewed");
    }

    [Theory]
    [InlineData("edit")]
    [InlineData("same size")]
    [InlineData("add")]
    [InlineData("delete")]
    [InlineData("shared")]
    public void A_change_in_the_closure_is_stale(string change)
    {
        var helper = Path.Combine(root, "src/Lib/Helper.cs");
        switch (change)
        {
            case "edit":
                File.AppendAllText(helper, "// more");
                break;
            case "same size":
                // Another text of the same length a second later: the content decides.
                var time = File.GetLastWriteTimeUtc(helper);
                File.WriteAllText(helper, "class Helpex {}");
                File.SetLastWriteTimeUtc(helper, time.AddSeconds(1));
                break;
            case "add":
                Write("src/Lib/New.cs", "class New {}");
                break;
            case "delete":
                File.Delete(helper);
                break;
            case "shared":
                Write("build/msbuild/Fix.targets", "<Project><!-- changed --></Project>");
                break;
        }

        tool.IsUpToDate(root).Should().BeFalse(change);
    }

    [Fact]
    public void A_missing_tool_or_stamp_is_stale()
    {
        File.Delete(Path.Combine(root, "build/bin/probe", CompiledTool.StampName));
        tool.IsUpToDate(root).Should().BeFalse();
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
