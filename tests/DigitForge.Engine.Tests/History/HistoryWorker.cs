using System.Globalization;
using DigitForge.Engine.History;
using static DigitForge.Engine.Tests.History.HistoryLines;

namespace DigitForge.Engine.Tests.History;

/// <summary>
/// The entry point of this assembly when a test runs it as a process: <c>append-history DIR NAME COUNT</c>
/// appends COUNT lines (runs NAME-0 ...) of about 90 KB each to the history in DIR, printing each; COUNT 0: until killed.
/// </summary>
public static class HistoryWorker
{
    public const string Command = "append-history";

    public static int Main(string[] args)
    {
        if (args is not [Command, var directory, var name, var count])
        {
            Console.Error.WriteLine($"usage: {Command} DIR NAME COUNT");
            return 2;
        }

        var history = new RunHistory(directory);
        var stages = Enumerable.Range(0, 300).Select(i => Stage($"Stage{i}", StageOutcome.Ran, new string('x', 150))).ToArray();
        var limit = int.Parse(count, CultureInfo.InvariantCulture);
        for (var i = 0; limit == 0 || i < limit; i++)
        {
            history.Append(Line($"{name}-{i}", stages: stages), Recipe);
            Console.WriteLine($"appended {name}-{i}");
        }

        return 0;
    }
}
