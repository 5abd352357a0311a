using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;

namespace DigitForge.Engine.Tests;

/// <summary>
/// The folders a commit killed between its two renames leaves (the last good folder moved aside to
/// <c>.staging/&lt;Stage&gt;-retired-*</c>, the new one complete in <c>.staging/&lt;Stage&gt;-*</c>), laid out by
/// hand; the end-to-end test <c>KilledBuildTests</c> makes them with a real kill.
/// </summary>
[Trait("Category", "Unit")]
public sealed class StageStoreRecoveryTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly RepeatStage repeat;
    private readonly StageGraph pipeline;
    private readonly StringWriter logText = new();
    private readonly IStageLog log;

    public StageStoreRecoveryTests()
    {
        File.WriteAllText(temp.File("source.txt"), "abc");
        repeat = new RepeatStage(temp.File("source.txt"));
        pipeline = new StageGraph("test", [repeat, new CountStage()], new StageStore(temp.File("stages")));
        log = new TextStageLog(logText, "test");
    }

    public void Dispose() => temp.Dispose();

    private string Staging => Path.Combine(pipeline.Store.Root, ".staging");

    [Fact]
    public void Killed_between_the_renames_the_last_good_folder_goes_back_and_the_stage_is_not_rerun()
    {
        RunAll();
        var committed = pipeline.Store.DirectoryOf("Repeat");
        var good = File.ReadAllText(Path.Combine(committed, "log.txt"));
        var halfDone = Path.Combine(Staging, "Repeat-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(halfDone);
        File.WriteAllText(Path.Combine(halfDone, "log.txt"), "the new run's outputs");
        File.Copy(Path.Combine(committed, StageStore.RecordFileName), Path.Combine(halfDone, StageStore.RecordFileName));
        Directory.Move(committed, Path.Combine(Staging, "Repeat-retired-" + Guid.NewGuid().ToString("N")));

        pipeline.Status("Repeat").Reasons.Should().ContainSingle().Which.Should().Contain("killed while committing");

        var results = RunAll();

        results.Select(r => r.Ran).Should().Equal(false, false);
        logText.ToString().Should().Contain("Repeat: a build was killed while committing it; its last good outputs are back in place");
        repeat.Runs.Should().Be(1);
        File.ReadAllText(Path.Combine(committed, "log.txt")).Should().Be(good);
        pipeline.StatusAll().Should().AllSatisfy(s => s.UpToDate.Should().BeTrue());
        Directory.EnumerateFileSystemEntries(Staging).Should().BeEmpty();
    }

    [Fact]
    public void A_retired_folder_without_a_record_is_not_taken_as_done()
    {
        RunAll();
        var committed = pipeline.Store.DirectoryOf("Repeat");
        var retired = Path.Combine(Staging, "Repeat-retired-" + Guid.NewGuid().ToString("N"));
        Directory.Move(committed, retired);
        File.Delete(Path.Combine(retired, StageStore.RecordFileName));

        var results = RunAll();

        results[0].Ran.Should().BeTrue();
        repeat.Runs.Should().Be(2);
        Directory.EnumerateFileSystemEntries(Staging).Should().BeEmpty();
    }

    [Fact]
    public void Killed_after_the_second_rename_the_new_folder_stays_and_the_old_one_is_deleted()
    {
        RunAll();
        var retired = Path.Combine(Staging, "Repeat-retired-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(retired);
        File.WriteAllText(Path.Combine(retired, "log.txt"), "the previous run's outputs");
        File.Copy(Path.Combine(pipeline.Store.DirectoryOf("Repeat"), StageStore.RecordFileName), Path.Combine(retired, StageStore.RecordFileName));

        RunAll().Select(r => r.Ran).Should().Equal(false, false);

        File.ReadAllText(Path.Combine(pipeline.Store.DirectoryOf("Repeat"), "log.txt")).Should().NotBe("the previous run's outputs");
        Directory.Exists(retired).Should().BeFalse();
    }

    private List<StageRunResult> RunAll() =>
        pipeline.Stages.Select(s => pipeline.Run(s.Name, force: false, log)).ToList();
}
