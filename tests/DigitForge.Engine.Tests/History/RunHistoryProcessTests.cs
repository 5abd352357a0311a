using System.Diagnostics;
using DigitForge.Engine.History;
using static DigitForge.Engine.Tests.History.HistoryLines;

namespace DigitForge.Engine.Tests.History;

/// <summary>Real processes appending to one history at once, and one killed with SIGKILL while it appends.</summary>
[Trait("Category", "EndToEnd")]
public sealed class RunHistoryProcessTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Processes_appending_at_once_lose_and_mix_no_line()
    {
        var directory = temp.File("history");
        var workers = Enumerable.Range(0, 4).Select(i => Start(directory, $"p{i}", 15)).ToList();
        foreach (var worker in workers)
        {
            worker.WaitForExit(TimeSpan.FromSeconds(60)).Should().BeTrue();
            worker.ExitCode.Should().Be(0, worker.StandardError.ReadToEnd());
        }

        var warnings = new List<string>();
        new RunHistory(directory).ReadLines(warnings).Select(l => l.Run).Should().BeEquivalentTo(
            Enumerable.Range(0, 4).SelectMany(p => Enumerable.Range(0, 15).Select(i => $"p{p}-{i}")));
        warnings.Should().BeEmpty();
    }

    [Fact]
    public void A_writer_killed_mid_append_costs_at_most_its_own_last_line_and_the_history_takes_appends_again()
    {
        var directory = temp.File("history");
        var history = new RunHistory(directory);
        using var worker = Start(directory, "k", 0);
        var reported = 0;
        while (reported < 20)
        {
            worker.StandardOutput.ReadLine().Should().NotBeNull("the worker appends until killed");
            reported++;
        }

        worker.Kill();
        worker.WaitForExit();

        var warnings = new List<string>();
        var before = history.ReadLines(warnings);
        before.Should().HaveCountGreaterThanOrEqualTo(20, "every append the worker reported is whole");
        before.Select(l => l.Run).Should().Equal(Enumerable.Range(0, before.Count).Select(i => $"k-{i}"));
        warnings.Should().HaveCountLessThanOrEqualTo(1, "at most the line being written when killed is torn");
        warnings.Where(w => !w.Contains("torn last line")).Should().BeEmpty();

        history.Append(Line("after", start: true, finish: true), Recipe);
        history.ReadLines([]).Select(l => l.Run).Should().Equal([.. before.Select(l => l.Run), "after"]);
    }

    private static Process Start(string directory, string name, int count)
    {
        var start = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { typeof(HistoryWorker).Assembly.Location, HistoryWorker.Command, directory, name, count.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    // The dotnet host running the tests, so children use the same runtime.
    private static string DotnetHost() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
            ? Environment.ProcessPath!
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
}
