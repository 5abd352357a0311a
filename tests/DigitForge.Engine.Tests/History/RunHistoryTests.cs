using System.Text;
using DigitForge.Engine.History;
using static DigitForge.Engine.Tests.History.HistoryLines;

namespace DigitForge.Engine.Tests.History;

[Trait("Category", "Unit")]
public sealed class RunHistoryTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly RunHistory history;

    public RunHistoryTests() => history = new RunHistory(temp.File("history"));

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_build_of_several_processes_assembles_into_one_run_whose_stages_keep_their_last_outcome()
    {
        history.Append(Line("r1", "graph", start: true, stages: [Stage("Ingest", StageOutcome.Skipped, "up to date (aaaaaaa)"), Stage("Train", StageOutcome.Skipped)],
            git: new GitState("0123456789abcdef", Dirty: true)), Recipe);
        history.Append(Line("r2", "run", start: true, finish: true, stages: [Stage("Ingest", StageOutcome.Ran)]), Recipe);
        history.Append(Line("r1", "run", stages: [Stage("Train", StageOutcome.Ran, "forced run")]), Recipe);
        history.Append(Line("r1", "status", stages: [Stage("Evaluate", StageOutcome.Restored, "restored from cache")]), Recipe);
        history.Append(Line("r1", "summary", finish: true, metrics: new() { ["accuracy"] = 0.99 }), Recipe);

        var warnings = new List<string>();
        var runs = history.Runs(warnings);

        warnings.Should().BeEmpty();
        runs.Select(r => r.Id).Should().Equal("r1", "r2");
        var build = runs[0];
        build.Finished.Should().BeTrue();
        build.Git.Should().Be(new GitState("0123456789abcdef", true));
        build.Stages.Select(s => (s.Stage, s.Outcome)).Should().Equal(
            ("Ingest", StageOutcome.Skipped), ("Train", StageOutcome.Ran), ("Evaluate", StageOutcome.Restored));
        build.Stages[1].Why.Should().Be("forced run");
        build.Metrics.Should().Equal(new Dictionary<string, double> { ["accuracy"] = 0.99 });
        build.Overrides.Should().Equal("train.epochs=2");
        runs[1].Git.Should().BeNull("no line of r2 knew the commit");
    }

    [Fact]
    public void A_run_without_its_finish_line_is_unfinished()
    {
        history.Append(Line("r1", "graph", start: true), Recipe);

        history.Runs([]).Single().Finished.Should().BeFalse();
    }

    [Fact]
    public void A_torn_last_line_is_ignored_with_a_warning_naming_file_and_line_and_the_next_append_starts_a_fresh_line()
    {
        history.Append(Line("r1", start: true, finish: true), Recipe);
        var whole = File.ReadAllText(history.FilePath);
        File.AppendAllText(history.FilePath, whole[..(whole.Length / 2)]);

        var warnings = new List<string>();
        history.Runs(warnings).Select(r => r.Id).Should().Equal("r1");
        warnings.Should().ContainSingle().Which.Should().Be($"{history.FilePath} line 2: torn last line (a writer was killed mid-line?); ignored");

        history.Append(Line("r2", start: true, finish: true), Recipe);
        warnings.Clear();
        history.Runs(warnings).Select(r => r.Id).Should().Equal("r1", "r2");
        warnings.Should().ContainSingle().Which.Should().StartWith($"{history.FilePath} line 2: unreadable (");
        File.ReadAllText(history.FilePath).Split('\n').Should().HaveCount(4, "r1, the torn line, r2 and the empty rest after the last newline");
    }

    [Fact]
    public void A_line_that_is_json_but_no_run_is_named_and_skipped()
    {
        history.Append(Line("r1", start: true), Recipe);
        File.AppendAllText(history.FilePath, "{\"hello\":1}\n");

        var warnings = new List<string>();
        history.Runs(warnings).Should().ContainSingle();
        warnings.Should().Equal($"{history.FilePath} line 2: not a run record (no run id or config hash); ignored");
    }

    [Fact]
    public void Each_config_is_kept_once_by_its_hash_and_a_missing_one_is_a_warning()
    {
        history.Append(Line("r1", configHash: "abc"), Recipe);
        history.Append(Line("r2", configHash: "abc"), Recipe);

        Directory.GetFiles(Path.Combine(history.Directory, "configs")).Should().Equal(history.ConfigPath("abc"));
        history.ReadConfig("abc", []).Should().BeEquivalentTo(Recipe);
        var warnings = new List<string>();
        history.ReadConfig("def", warnings).Should().BeNull();
        warnings.Should().Equal($"{history.ConfigPath("def")}: missing; that run's parameters are unknown");
    }

    [Fact]
    public void Threads_appending_at_once_lose_and_mix_no_line()
    {
        // Lines far longer than a pipe buffer: only the lock keeps them whole.
        var big = Enumerable.Range(0, 200).Select(i => Stage($"Stage{i}", StageOutcome.Ran, new string('x', 100))).ToArray();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            for (var i = 0; i < 10; i++)
            {
                history.Append(Line($"t{t}-{i}", stages: big), Recipe);
            }
        });

        var warnings = new List<string>();
        history.ReadLines(warnings).Select(l => l.Run).Should().BeEquivalentTo(
            Enumerable.Range(0, 8).SelectMany(t => Enumerable.Range(0, 10).Select(i => $"t{t}-{i}")));
        warnings.Should().BeEmpty();
        Encoding.UTF8.GetString(File.ReadAllBytes(history.FilePath)).Should().EndWith("\n");
    }

    [Fact]
    public void A_run_id_from_the_environment_must_be_a_plain_token()
    {
        RunId.IsValid(RunId.New()).Should().BeTrue();
        RunId.New().Should().MatchRegex("^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$");
        RunId.IsValid("a b").Should().BeFalse();
        RunId.IsValid("../x/y").Should().BeFalse();
        RunId.IsValid(new string('a', 65)).Should().BeFalse();
    }
}
