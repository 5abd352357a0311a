using DigitForge.Engine.Config;
using DigitForge.Engine.Diagnostics;

namespace DigitForge.Engine.Tests;

/// <summary>
/// The DIGITFORGE_FAULTPOINTS parser and the actions that can run in this process; exit and kill are
/// exercised across processes by KilledBuildTests and AzureRegistryTests.
/// </summary>
[Trait("Category", "Unit")]
public sealed class FaultPointsTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void An_instance_entry_acts_at_that_instance_only()
    {
        var plan = FaultPlan.Parse("commit.between-renames:Train=throw");

        plan.Hit(FaultPoints.CommitBetweenRenames, "Evaluate");
        plan.Hit(FaultPoints.RunAfterStage, "Train");
        var act = () => plan.Hit(FaultPoints.CommitBetweenRenames, "Train");

        act.Should().Throw<FaultPointException>().WithMessage("fault point commit.between-renames:Train (DIGITFORGE_FAULTPOINTS)");
    }

    [Fact]
    public async Task A_point_entry_acts_at_every_instance_and_an_instance_entry_wins()
    {
        var marker = temp.File("paused");
        var plan = FaultPlan.Parse($" registry.file = throw ; run.after-stage=throw;run.after-stage:Train=pause({marker});");

        ((Action)(() => plan.Hit(FaultPoints.RegistryFile))).Should().Throw<FaultPointException>().WithMessage("fault point registry.file *");
        ((Action)(() => plan.Hit(FaultPoints.RunAfterStage, "Evaluate"))).Should().Throw<FaultPointException>();
        plan.Hit(FaultPoints.RegistryReserved);

        var hit = Task.Run(() => plan.Hit(FaultPoints.RunAfterStage, "Train"));
        WaitFor(marker).Should().BeTrue("Train's own entry pauses instead of throwing");
        File.Delete(marker);
        (await Finishes(hit, TimeSpan.FromSeconds(10))).Should().BeTrue();
    }

    [Fact]
    public async Task Pause_creates_the_file_and_waits_until_it_is_deleted()
    {
        // Spaces and '=' in the path are kept: only the first '=' separates the name from the action.
        var marker = temp.File("paused at=Train");
        var plan = FaultPlan.Parse($"run.after-stage:Train=pause({marker})");

        var hit = Task.Run(() => plan.Hit(FaultPoints.RunAfterStage, "Train"));

        WaitFor(marker).Should().BeTrue("the point creates the file when reached");
        File.ReadAllText(marker).Should().Be("run.after-stage:Train");
        (await Finishes(hit, TimeSpan.FromMilliseconds(500))).Should().BeFalse("the point waits while the file exists");
        File.Delete(marker);
        (await Finishes(hit, TimeSpan.FromSeconds(10))).Should().BeTrue("deleting the file lets the process go on");
    }

    [Fact]
    public void Exit_takes_any_integer_code() =>
        FaultPlan.Parse("registry.reserved=exit(3);registry.uploaded=exit(-1)").Should().NotBeNull();

    [Theory]
    [InlineData("kill", "'kill': it is not name=action")]
    [InlineData("=kill", "'=kill': it is not name=action")]
    [InlineData("commit.between-rename=kill", "'commit.between-rename=kill': there is no fault point commit.between-rename; the points are run.after-stage, commit.between-renames, *")]
    [InlineData("run.after-stage:=kill", "'run.after-stage:=kill': the instance after ':' is empty")]
    [InlineData("run.after-stage=stop", "'run.after-stage=stop': the action is not pause(FILE), exit(CODE), kill or throw")]
    [InlineData("run.after-stage=pause()", "'run.after-stage=pause()': the action is not *")]
    [InlineData("run.after-stage=exit(two)", "'run.after-stage=exit(two)': the action is not *")]
    [InlineData("registry.file=kill;registry.file=throw", "'registry.file=throw': registry.file is set twice")]
    public void A_malformed_entry_is_an_error_naming_the_variable_and_the_entry(string setting, string message)
    {
        var act = () => FaultPlan.Parse(setting);

        act.Should().Throw<ConfigException>().WithMessage("DIGITFORGE_FAULTPOINTS: " + message);
    }

    [Fact]
    public void Every_point_has_a_unique_name_and_a_description()
    {
        FaultPoints.Catalogue.Select(p => p.Name).Should().OnlyHaveUniqueItems().And.AllSatisfy(n => n.Should().MatchRegex("^[a-z]+(\\.[a-z-]+)+$"));
        FaultPoints.Catalogue.Should().AllSatisfy(p => p.Description.Should().NotBeNullOrWhiteSpace());
    }

    private static async Task<bool> Finishes(Task task, TimeSpan within) => await Task.WhenAny(task, Task.Delay(within)) == task;

    private static bool WaitFor(string file)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(file) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        return File.Exists(file);
    }
}
