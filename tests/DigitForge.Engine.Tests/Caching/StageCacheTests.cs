using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Caching;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;

namespace DigitForge.Engine.Tests.Caching;

/// <summary>The stage-output cache through the pipeline, with real stages and files.</summary>
[Trait("Category", "Unit")]
public sealed class StageCacheTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly RepeatStage repeat;
    private readonly CountStage count = new();
    private readonly StageCache cache;
    private readonly StringWriter logText = new();
    private readonly IStageLog log;

    public StageCacheTests()
    {
        File.WriteAllText(temp.File("source.txt"), "abc");
        repeat = new RepeatStage(temp.File("source.txt"));
        cache = new StageCache(temp.File("cache"), new DirectoryRemoteCache(temp.File("remote")));
        log = new TextStageLog(logText, "test");
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Reverting_a_config_change_restores_the_earlier_outputs_instead_of_running()
    {
        var pipeline = Pipeline("a");
        RunAll(pipeline);
        var first = File.ReadAllText(Output(pipeline, "Repeat", "log.txt"));
        repeat.Times = 3;
        RunAll(pipeline);

        repeat.Times = 2;
        var result = pipeline.Run("Repeat", force: false, log);

        result.Restored.Should().BeTrue();
        result.Ran.Should().BeFalse();
        repeat.Runs.Should().Be(2);
        File.ReadAllText(Output(pipeline, "Repeat", "log.txt")).Should().Be(first, "the outputs are the first run's, byte for byte");
        pipeline.Status("Repeat").UpToDate.Should().BeTrue();
        logText.ToString().Should().Contain("restored from cache");
    }

    [Fact]
    public void A_new_artifacts_folder_pulls_every_stage_from_the_remote_without_running()
    {
        RunAll(Pipeline("a"));
        var elsewhere = new StageGraph("test", [repeat, count], new StageStore(temp.File("b")), new StageCache(temp.File("other-cache"), new DirectoryRemoteCache(temp.File("remote"))));

        elsewhere.StatusRestoring("Repeat", log).Restored.Should().NotBeNull();
        elsewhere.StatusRestoring("Count", log).Restored.Should().NotBeNull();

        (repeat.Runs, count.Runs).Should().Be((1, 1));
        File.ReadAllText(Output(elsewhere, "Count", "count.txt")).Should().Be("6");
        elsewhere.StatusAll().Should().OnlyContain(s => s.UpToDate);
    }

    [Fact]
    public void A_damaged_entry_is_discarded_with_a_warning_and_the_stage_runs()
    {
        var pipeline = new StageGraph("test", [repeat, count], new StageStore(temp.File("a")), new StageCache(temp.File("cache")));
        RunAll(pipeline);
        var fingerprint = pipeline.Status("Repeat").Fingerprint!;
        File.WriteAllText(Path.Combine(cache.EntryOf(fingerprint), "out.txt"), "tampered");
        repeat.Times = 3;
        RunAll(pipeline);
        repeat.Times = 2;

        pipeline.Run("Repeat", force: false, log).Ran.Should().BeTrue();

        logText.ToString().Should().Contain($"cache entry {cache.EntryOf(fingerprint)} is damaged (out.txt missing or modified); discarded, Repeat will be rebuilt");
        File.ReadAllText(Output(pipeline, "Repeat", "out.txt")).Should().Be("abcabc");
    }

    [Fact]
    public void A_damaged_remote_archive_is_not_used_and_the_stage_runs()
    {
        RunAll(Pipeline("a"));
        foreach (var archive in Directory.EnumerateFiles(temp.File("remote")))
        {
            File.WriteAllText(archive, "not a zip");
        }

        var elsewhere = new StageGraph("test", [repeat, count], new StageStore(temp.File("b")), new StageCache(temp.File("other-cache"), new DirectoryRemoteCache(temp.File("remote"))));

        elsewhere.Run("Repeat", force: false, log).Ran.Should().BeTrue();
        logText.ToString().Should().Contain("damaged entry");
    }

    [Fact]
    public void An_unreachable_remote_is_one_warning_and_the_build_goes_on_locally()
    {
        File.WriteAllText(temp.File("not-a-folder"), string.Empty);
        var pipeline = new StageGraph("test", [repeat, count], new StageStore(temp.File("a")), new StageCache(temp.File("cache"), new DirectoryRemoteCache(temp.File("not-a-folder"))));

        RunAll(pipeline);

        // A later process (every stage is one) does not try, nor warn, again for a while.
        var next = new StageGraph("test", [repeat, count], new StageStore(temp.File("b")), new StageCache(temp.File("cache"), new DirectoryRemoteCache(temp.File("not-a-folder"))));
        RunAll(next);

        (repeat.Runs, count.Runs).Should().Be((1, 1), "the second artifacts folder is restored from the local cache");
        logText.ToString().Split('\n').Count(l => l.Contains("unavailable")).Should().Be(1, logText.ToString());
    }

    [Fact]
    public void Stages_with_effects_outside_their_folder_are_never_restored()
    {
        var effect = new EffectStage();
        var pipeline = new StageGraph("test", [effect], new StageStore(temp.File("a")), cache);
        pipeline.Run("Effect", force: false, log);
        effect.Knob = 2;
        pipeline.Run("Effect", force: false, log);
        effect.Knob = 1;

        pipeline.Run("Effect", force: false, log).Ran.Should().BeTrue();
        cache.List().Should().BeEmpty();
    }

    private StageGraph Pipeline(string artifacts) => new("test", [repeat, count], new StageStore(temp.File(artifacts)), cache);

    private void RunAll(StageGraph pipeline)
    {
        foreach (var stage in pipeline.Stages)
        {
            pipeline.Run(stage.Name, force: false, log);
        }
    }

    private static string Output(StageGraph pipeline, string stage, string file) => Path.Combine(pipeline.Store.DirectoryOf(stage), file);

    private sealed class EffectStage : IStage
    {
        public int Knob { get; set; } = 1;

        public string Description => "Effect: a test stage.";

        public IReadOnlyList<StageDependency> Dependencies => [];

        public bool Cacheable => false;

        public StageInputs DescribeInputs() => new(new { knob = Knob }, new Dictionary<string, string>(), new Dictionary<string, string>());

        public void Run(StageRunContext context) => File.WriteAllText(context.OutputFile("out.txt"), Knob.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
