using DigitForge.Cli.Commands;
using DigitForge.Mnist.Reporting;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Feedback;
using DigitForge.Monitoring.Store;

namespace DigitForge.Cli.Tests;

/// <summary><c>digitforge feedback export</c> over a real prediction log: the snapshot's id printed alone, and exit 3 when nothing is labelled.</summary>
[Trait("Category", "Unit")]
public sealed class FeedbackExportCommandTests : IDisposable
{
    private static readonly DateTimeOffset Monday = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory temp = new();

    private string Home => Path.Combine(temp.Path, "mnist");

    [Fact]
    public void The_snapshot_id_is_printed_on_a_line_of_its_own_and_the_window_bounds_what_is_taken()
    {
        Log(("a.png", Monday, "7"), ("b.png", Monday.AddDays(1), "3"));

        var (exit, output) = Export("--since=2026-12-07T00:00:00Z", "--until=2026-12-08T00:00:00Z");

        exit.Should().Be(ExitCodes.Success);
        var id = Directory.GetDirectories(Path.Combine(Home, "feedback")).Should().ContainSingle().Which.Split('/')[^1];
        output.Should().Contain($"\n{id}\n").And.Contain($"feedback snapshot {Path.Combine(Home, "feedback", id)}: 1 examples predicted 2026-12-07 09:00 .. 2026-12-07 09:00 UTC");
        FeedbackSnapshots.Read(Path.Combine(Home, "feedback"), id).Manifest.PerClass!["7"].Should().Be(1);
    }

    [Fact]
    public void Nothing_labelled_to_export_is_a_data_error_and_writes_no_snapshot()
    {
        Log(("a.png", Monday, null));

        var (exit, _) = Export();

        exit.Should().Be(ExitCodes.DataError);
        Directory.Exists(Path.Combine(Home, "feedback")).Should().BeFalse();
    }

    public void Dispose() => temp.Dispose();

    /// <summary>Scored PNG digits in the pipeline's log, each with its label when one is given.</summary>
    private void Log(params (string File, DateTimeOffset At, string? Label)[] digits)
    {
        Directory.CreateDirectory(Home);
        using var store = MonitorStores.Open(Home, null);
        foreach (var (file, at, label) in digits)
        {
            var path = temp.File(file);
            var pixels = new byte[28 * 28];
            for (var row = 6; row < 22; row++)
            {
                pixels.AsSpan((row * 28) + 10, 8).Fill(255);
            }

            var png = DigitImage.Png(pixels, 28, 28, scale: 1);
            File.WriteAllBytes(path, png);
            store.Append([new PredictionRecord(path, at, "mnist", "v0001-abcdef0", "fp32", PredictionRecord.HashOf(png), "1", 0.9, null, "score")]);
            if (label is not null)
            {
                store.RecordOutcomes([new Outcome("mnist", path, label, null, at.AddHours(8), "feedback labels.csv")]);
            }
        }
    }

    private (int Exit, string Output) Export(params string[] window)
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            var exit = CommandLine.Build().Parse(["feedback", "export", "--pipeline", "mnist", "--root", Repository.Root, "--artifacts", temp.Path, .. window]).Invoke();
            return (exit, "\n" + output);
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
