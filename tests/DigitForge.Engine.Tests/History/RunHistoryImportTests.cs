using DigitForge.Engine.History;
using Newtonsoft.Json.Linq;
using static DigitForge.Engine.Tests.History.HistoryLines;

namespace DigitForge.Engine.Tests.History;

/// <summary>Runs recorded on other machines (sweep members) merged into a history: once each, however often and at once.</summary>
[Trait("Category", "Unit")]
public sealed class RunHistoryImportTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly RunHistory history;

    public RunHistoryImportTests() => history = new RunHistory(temp.File("history"));

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_run_imported_twice_is_one_run_with_its_config_kept()
    {
        history.Append(Line("local", start: true, finish: true), Recipe);
        RunLine[] member = [Line("remote", "sweep", start: true, configHash: "beef"), Line("remote", "run"), Line("remote", "sweep", finish: true, configHash: "beef")];
        var configs = new Dictionary<string, JToken> { ["beef"] = Recipe, ["c0ffee"] = Recipe };

        history.Import(member, configs).Should().BeTrue();
        history.Import(member, configs).Should().BeFalse("the history has that run");

        history.ReadLines([]).Select(l => l.Run).Should().Equal("local", "remote", "remote", "remote");
        history.Runs([]).Single(r => r.Id == "remote").Finished.Should().BeTrue();
        JToken.DeepEquals(history.ReadConfig("beef", []), Recipe).Should().BeTrue();
    }

    [Fact]
    public void Runs_imported_from_many_threads_at_once_are_each_added_once()
    {
        var runs = Enumerable.Range(0, 6).Select(i => (RunLine[])[Line($"m{i}", "sweep", start: true), Line($"m{i}", "sweep", finish: true)]).ToList();
        var configs = new Dictionary<string, JToken> { ["c0ffee"] = Recipe };

        var added = 0;
        Parallel.For(0, 4, _ =>
        {
            foreach (var run in runs)
            {
                if (history.Import(run, configs))
                {
                    Interlocked.Increment(ref added);
                }
            }
        });

        added.Should().Be(6);
        history.ReadLines([]).GroupBy(l => l.Run).Should().HaveCount(6).And.OnlyContain(g => g.Count() == 2);
    }

    [Fact]
    public void Lines_of_two_runs_are_refused_and_nothing_is_written()
    {
        var import = () => history.Import([Line("a"), Line("b")], new Dictionary<string, JToken>());

        import.Should().Throw<ArgumentException>().WithMessage("*more than one run (a, b)*");
        File.Exists(history.FilePath).Should().BeFalse();
    }
}
