using System.Diagnostics;
using System.Globalization;
using DigitForge.Monitoring.Store;

namespace DigitForge.Monitoring.Tests;

/// <summary>
/// A process writing predictions as fast as it can is SIGKILLed: the store keeps every batch it
/// reported committed, at most one more batch, whole, and no torn record; it is intact and takes
/// new writes. On both backends.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class KilledWriterTests(Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PrerequisiteReport>, IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public void SQLite_keeps_every_committed_batch_and_passes_its_integrity_check()
    {
        var path = temp.File("monitor.db");
        var reported = KillWhileWriting(path);

        using var store = SqliteMonitorStore.Open(path);
        store.IntegrityCheck().Should().Be("ok");
        CheckPrefix(store, reported);
    }

    [SkippableFact]
    public void PostgreSQL_keeps_every_committed_batch_and_takes_new_writes()
    {
        using var server = new PostgresServer();
        var database = server.NewDatabase();
        var reported = KillWhileWriting(database);

        using var store = PostgresMonitorStore.Open(database);
        CheckPrefix(store, reported);
    }

    public void Dispose() => temp.Dispose();

    /// <summary>Starts <see cref="LogWorker"/> on <paramref name="location"/>, kills it with SIGKILL mid-stream, and returns the last total it reported committed.</summary>
    private static long KillWhileWriting(string location)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { typeof(LogWorker).Assembly.Location, LogWorker.Command, location })
        {
            start.ArgumentList.Add(argument);
        }

        using var worker = Process.Start(start)!;
        var totals = new List<long>();
        var errors = worker.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();

        // Killed once it has committed a few batches, while it is writing the next ones.
        while (totals.Count < 10 && clock.Elapsed < TimeSpan.FromMinutes(1) && worker.StandardOutput.ReadLine() is { } line)
        {
            totals.Add(long.Parse(line, CultureInfo.InvariantCulture));
        }

        totals.Should().HaveCountGreaterThanOrEqualTo(10, $"the worker should commit batches; stderr: {(worker.HasExited ? errors.Result : "")}");
        worker.Kill(); // SIGKILL on Unix: no handler, no flush, no dispose runs.
        while (worker.StandardOutput.ReadLine() is { } line)
        {
            totals.Add(long.Parse(line, CultureInfo.InvariantCulture));
        }

        worker.WaitForExit();
        worker.ExitCode.Should().Be(137, "128 + SIGKILL");
        return totals[^1];
    }

    private void CheckPrefix(IMonitorStore store, long reported)
    {
        var ids = store.Predictions("mnist", DateTimeOffset.MaxValue).Select(r => long.Parse(r.Id, CultureInfo.InvariantCulture)).ToList();
        ((long)ids.Count).Should().BeInRange(reported, reported + LogWorker.BatchSize, "every reported batch is kept, and at most the one being committed at the kill");
        ids.Should().Equal(Enumerable.Range(0, ids.Count).Select(i => (long)i), "batches are stored whole and in order");
        output.WriteLine($"{store.Location}: {reported} reported committed before SIGKILL, {ids.Count} stored");

        store.Append([Records.Numbered(ids.Count)]);
        store.Predictions("mnist", DateTimeOffset.MaxValue).Should().HaveCount(ids.Count + 1);
    }
}
