namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// build.cmd cannot run here (no Windows); what it must keep is read from the file: Cake's exit code
/// is the script's, so CI on Windows sees the same 2, 3, 4, 5, 6, 7 as ./build.sh gives.
/// </summary>
[Trait("Category", "Unit")]
public sealed class BuildCmdTests
{
    [Fact]
    public void Build_cmd_exits_with_cakes_exit_code()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoBuild.FindRoot(), "build.cmd")).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

        var cake = lines.FindIndex(l => l.StartsWith("dotnet cake build\\build.cake", StringComparison.OrdinalIgnoreCase));

        cake.Should().BeGreaterThanOrEqualTo(0, "build.cmd runs the Cake script");
        lines[cake].Should().EndWith("%*", "every argument reaches the script");
        lines.Skip(cake + 1).Should().Equal(["exit /b %ERRORLEVEL%"], "nothing may run between Cake and the exit, or %ERRORLEVEL% would be another command's");
    }
}
