using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;

namespace DigitForge.Engine.Tests;

[Trait("Category", "Unit")]
public sealed class StageGraphTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly RepeatStage repeat;
    private readonly CountStage count = new();
    private readonly StageGraph pipeline;
    private readonly StringWriter logText = new();
    private readonly IStageLog log;

    public StageGraphTests()
    {
        File.WriteAllText(temp.File("source.txt"), "abc");
        repeat = new RepeatStage(temp.File("source.txt"));
        pipeline = new StageGraph("test", [repeat, count], new StageStore(temp.File("stages")));
        log = new TextStageLog(logText, "test");
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Never_run_stage_is_stale_then_up_to_date_after_running()
    {
        pipeline.Status("Repeat").Should().Match<StageStatus>(s => !s.UpToDate && s.Reasons.Contains("never run"));

        RunAll();

        pipeline.Status("Repeat").UpToDate.Should().BeTrue();
        pipeline.Status("Count").UpToDate.Should().BeTrue();
        File.ReadAllText(Path.Combine(pipeline.Store.DirectoryOf("Count"), "count.txt")).Should().Be("6");
    }

    [Fact]
    public void An_upstream_declared_twice_is_one_upstream_and_the_stage_runs()
    {
        var graph = new StageGraph("test", [repeat, new TwiceStage()], new StageStore(temp.File("twice")));

        graph.Upstreams("Twice").Select(s => s.Name).Should().Equal("Repeat");
        graph.Run("Repeat", force: false, log);
        graph.Run("Twice", force: false, log).Ran.Should().BeTrue();
        File.ReadAllText(Path.Combine(graph.Store.DirectoryOf("Twice"), "copy.txt")).Should().Be("abcabc");
    }

    [Fact]
    public void Second_run_skips_every_stage()
    {
        RunAll();

        var second = RunAll();

        second.Should().AllSatisfy(r => r.Ran.Should().BeFalse());
        repeat.Runs.Should().Be(1);
        count.Runs.Should().Be(1);
    }

    [Fact]
    public void Config_change_names_the_key_and_reruns_downstream_when_output_changes()
    {
        RunAll();
        repeat.Times = 3;

        var status = pipeline.Status("Repeat");

        status.UpToDate.Should().BeFalse();
        status.Reasons.Should().ContainSingle().Which.Should().Be("config changed: times (2 -> 3)");
        RunAll().Select(r => r.Ran).Should().Equal(true, true);
    }

    [Fact]
    public void Upstream_rerun_with_identical_consumed_output_leaves_downstream_up_to_date()
    {
        RunAll();
        repeat.Environment = "v2";

        var results = RunAll();

        // Repeat re-ran (its log.txt differs) but out.txt, the only file Count reads, is the same.
        results.Select(r => r.Ran).Should().Equal(true, false);
    }

    [Fact]
    public void Touching_an_input_without_changing_bytes_reruns_nothing()
    {
        RunAll();
        File.SetLastWriteTimeUtc(temp.File("source.txt"), DateTime.UtcNow.AddHours(1));

        pipeline.StatusAll().Should().AllSatisfy(s => s.UpToDate.Should().BeTrue());
    }

    [Fact]
    public void Changing_input_bytes_makes_the_stage_stale_naming_the_input()
    {
        RunAll();
        File.WriteAllText(temp.File("source.txt"), "abd");

        pipeline.Status("Repeat").Reasons.Should().Equal("input file changed: source");
    }

    [Fact]
    public void Environment_change_is_a_reason()
    {
        RunAll();
        repeat.Environment = "v2";

        pipeline.Status("Repeat").Reasons.Should().Equal("environment changed: tool (v1 -> v2)");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Deleted_or_corrupted_output_reruns_that_stage_and_its_dependents(bool delete)
    {
        RunAll();
        var output = Path.Combine(pipeline.Store.DirectoryOf("Repeat"), "out.txt");
        if (delete)
        {
            File.Delete(output);
        }
        else
        {
            File.WriteAllText(output, "tampered");
        }

        pipeline.Status("Repeat").Reasons.Should().Equal(delete ? "output out.txt missing" : "output out.txt modified");
        pipeline.StatusAll()[1].Reasons.Should().Contain("upstream Repeat will re-run");
        RunAll().Select(r => r.Ran).Should().Equal(true, false);
        File.ReadAllText(output).Should().Be("abcabc");
    }

    [Fact]
    public void Stage_that_fails_leaves_the_last_good_outputs_and_no_staging()
    {
        RunAll();
        repeat.Times = 5;
        repeat.During = _ => throw new InvalidOperationException("boom");

        var act = () => pipeline.Run("Repeat", force: false, log);

        act.Should().Throw<InvalidOperationException>();
        File.ReadAllText(Path.Combine(pipeline.Store.DirectoryOf("Repeat"), "out.txt")).Should().Be("abcabc");
        Directory.EnumerateDirectories(Path.Combine(pipeline.Store.Root, ".staging")).Should().BeEmpty();
        pipeline.Status("Repeat").UpToDate.Should().BeFalse();
    }

    [Fact]
    public void Leftovers_of_a_killed_run_are_never_taken_as_outputs_and_are_cleaned()
    {
        // What kill -9 mid-stage leaves: a staging folder with partial outputs and no commit.
        var staging = pipeline.Store.CreateStaging("Repeat");
        File.WriteAllText(Path.Combine(staging, "out.txt"), "partial");

        pipeline.Status("Repeat").Reasons.Should().Equal("never run");
        RunAll();

        Directory.Exists(staging).Should().BeFalse();
        File.ReadAllText(Path.Combine(pipeline.Store.DirectoryOf("Repeat"), "out.txt")).Should().Be("abcabc");
    }

    [Fact]
    public void Damaged_record_makes_the_stage_stale_not_crash()
    {
        RunAll();
        File.WriteAllText(Path.Combine(pipeline.Store.DirectoryOf("Repeat"), StageStore.RecordFileName), "{ not json");

        var status = pipeline.Status("Repeat");

        status.UpToDate.Should().BeFalse();
        status.Reasons.Should().ContainSingle().Which.Should().StartWith("record unreadable");
    }

    [Fact]
    public void Downstream_cannot_run_before_its_upstream()
    {
        var act = () => pipeline.Run("Count", force: false, log);

        act.Should().Throw<StageException>().WithMessage("*upstream Repeat has no usable output (never run)*");
    }

    [Fact]
    public void Force_reruns_an_up_to_date_stage()
    {
        RunAll();

        pipeline.Run("Repeat", force: true, log).Ran.Should().BeTrue();
        repeat.Runs.Should().Be(2);
    }

    [Fact]
    public void Record_holds_config_outputs_and_components()
    {
        RunAll();

        var record = pipeline.Store.TryRead("Repeat", out _)!;

        record.Outputs.Keys.Should().Equal("log.txt", "out.txt");
        record.Config!["times"]!.ToObject<int>().Should().Be(2);
        record.Components.Code.Should().ContainKey("DigitForge.Engine.Tests");
        record.Components.Files.Should().ContainKey("source");
        record.Fingerprint.Should().Be(Fingerprinter.FingerprintOf(record.Components));
    }

    [Fact]
    public void Unknown_stage_is_a_clear_error()
    {
        var act = () => pipeline.Status("Nope");

        act.Should().Throw<ArgumentException>().WithMessage("*unknown stage 'Nope' in pipeline test; stages are: Repeat, Count*");
    }

    [Fact]
    public void A_stage_whose_effect_outside_its_folder_is_gone_is_stale_saying_why_and_runs_again()
    {
        RunAll();
        count.Missing = "the registry it promoted into is gone";

        var status = pipeline.Status("Count");

        status.UpToDate.Should().BeFalse();
        status.Reasons.Should().Equal("the registry it promoted into is gone");
        count.AskedAbout.Should().Be(pipeline.Store.DirectoryOf("Count"));
        RunAll().Select(r => r.Ran).Should().Equal(false, true);
        count.Missing = null;
        pipeline.Status("Count").UpToDate.Should().BeTrue();
        count.Runs.Should().Be(2);
    }

    private List<StageRunResult> RunAll() =>
        pipeline.Stages.Select(s => pipeline.Run(s.Name, force: false, log)).ToList();
}

[Trait("Category", "Unit")]
public sealed class VerifyTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly IStageLog log = new TextStageLog(TextWriter.Null, "test");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Verify_reproduces_non_volatile_outputs_and_names_the_first_difference()
    {
        File.WriteAllText(temp.File("source.txt"), "abc");
        var repeat = new RepeatStage(temp.File("source.txt"));
        var pipeline = new StageGraph("test", [repeat], new StageStore(temp.File("stages")));
        pipeline.Run("Repeat", force: false, log);

        // log.txt holds a fresh GUID every run, so it differs unless declared volatile.
        var strict = pipeline.Verify("Repeat", log);
        strict.Reproduced.Should().BeFalse();
        strict.Differences.Should().ContainSingle().Which.Should().StartWith("log.txt: recorded ");

        repeat.Volatile = ["log.txt"];
        var lenient = pipeline.Verify("Repeat", log);
        lenient.Reproduced.Should().BeTrue();
        lenient.Compared.Should().Equal("out.txt");
        File.ReadAllText(Path.Combine(pipeline.Store.DirectoryOf("Repeat"), "out.txt")).Should().Be("abcabc");
    }

    [Fact]
    public void Verify_refuses_a_stale_stage()
    {
        File.WriteAllText(temp.File("source.txt"), "abc");
        var pipeline = new StageGraph("test", [new RepeatStage(temp.File("source.txt"))], new StageStore(temp.File("stages")));

        var act = () => pipeline.Verify("Repeat", log);

        act.Should().Throw<StageException>().WithMessage("Repeat is not up to date (never run)*");
    }
}
