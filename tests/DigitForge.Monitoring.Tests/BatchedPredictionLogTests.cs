using DigitForge.Monitoring.Store;

namespace DigitForge.Monitoring.Tests;

[Trait("Category", "Unit")]
public sealed class BatchedPredictionLogTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public void A_full_batch_is_written_at_once_and_a_partial_one_after_the_interval()
    {
        var commits = new List<long>();
        var path = temp.File("monitor.db");
        // An interval long enough that a busy machine's scheduling never flushes the first ten early.
        using var log = new BatchedPredictionLog(SqliteMonitorStore.Open(path), new PredictionLogOptions(10, TimeSpan.FromSeconds(2)), total => { lock (commits) commits.Add(total); });
        for (var i = 0; i < 13; i++)
        {
            log.Record(Records.Numbered(i));
        }

        SpinWait.SpinUntil(() => log.Written == 13, TimeSpan.FromSeconds(20)).Should().BeTrue("the last 3 are written once the interval has passed");
        lock (commits)
        {
            commits.Should().Equal(10, 13);
        }

        using var reader = SqliteMonitorStore.Open(path);
        reader.Predictions("mnist", DateTimeOffset.MaxValue).Select(r => r.Id).Should().Equal(Enumerable.Range(0, 13).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Dispose_writes_what_is_still_queued()
    {
        var path = temp.File("monitor.db");
        var log = new BatchedPredictionLog(SqliteMonitorStore.Open(path), new PredictionLogOptions(1000, TimeSpan.FromMinutes(10)));
        for (var i = 0; i < 250; i++)
        {
            log.Record(Records.Numbered(i));
        }

        log.Dispose();

        log.LastError.Should().BeNull();
        log.Written.Should().Be(250);
        using var reader = SqliteMonitorStore.Open(path);
        reader.Predictions("mnist", DateTimeOffset.MaxValue).Should().HaveCount(250);
    }

    [Fact]
    public void A_batch_the_store_refuses_is_counted_lost_and_later_batches_are_still_written()
    {
        var path = temp.File("monitor.db");
        using var log = new BatchedPredictionLog(SqliteMonitorStore.Open(path), new PredictionLogOptions(1, TimeSpan.FromMilliseconds(10)));

        // No id: the store refuses this one record's batch.
        log.Record(Records.Numbered(0) with { Id = null! });
        log.Record(Records.Numbered(1));
        SpinWait.SpinUntil(() => log.Written + log.Lost == 2, TimeSpan.FromSeconds(10)).Should().BeTrue();

        log.Lost.Should().Be(1);
        log.Written.Should().Be(1);
        log.LastError.Should().NotBeNullOrEmpty();
    }

    public void Dispose() => temp.Dispose();
}
