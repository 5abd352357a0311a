using System.Globalization;
using DigitForge.Monitoring.Store;

namespace DigitForge.Monitoring.Tests;

/// <summary>
/// Entry point when this test assembly runs as a child process (<c>dotnet DigitForge.Monitoring.Tests.dll
/// log &lt;store&gt;</c>, the store a monitor.db path or a postgres:// address): records numbered
/// predictions as fast as it can through the batched log until it is killed, printing the running
/// total after each committed batch.
/// </summary>
public static class LogWorker
{
    public const string Command = "log";

    public const int BatchSize = 200;

    public static int Main(string[] args)
    {
        if (args is not [Command, var location])
        {
            Console.Error.WriteLine($"usage: {Command} <monitor.db path or postgres:// address>");
            return 2;
        }

        var store = location.StartsWith("postgres", StringComparison.Ordinal) ? (IMonitorStore)PostgresMonitorStore.Open(location) : SqliteMonitorStore.Open(location);
        using var log = new BatchedPredictionLog(store, new PredictionLogOptions(BatchSize, TimeSpan.FromMilliseconds(20)), total => Console.Out.WriteLine(total.ToString(CultureInfo.InvariantCulture)));
        Console.Out.Flush();
        for (var i = 0L; ; i++)
        {
            log.Record(Records.Numbered(i));
        }
    }
}

/// <summary>Predictions the tests write and recognise: the id is the sequence number.</summary>
internal static class Records
{
    public static PredictionRecord Numbered(long i, DateTimeOffset? at = null, string pipeline = "mnist", string version = "v0001-abcdef0") => new(
        i.ToString(CultureInfo.InvariantCulture),
        at ?? DateTimeOffset.UtcNow,
        pipeline,
        version,
        "fp32",
        PredictionRecord.HashOf(BitConverter.GetBytes(i)),
        (i % 10).ToString(CultureInfo.InvariantCulture),
        0.9,
        null,
        "score");
}
