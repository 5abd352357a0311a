using System.Threading.Channels;
using DigitForge.Monitoring.Store;

namespace DigitForge.Monitoring;

/// <summary>How the log batches its writes.</summary>
/// <param name="BatchSize">A batch is written when it holds this many predictions ...</param>
/// <param name="Interval">... or this long after its first one, whichever comes first.</param>
/// <param name="Capacity">Predictions queued before <see cref="IPredictionLog.Record"/> waits for the writer.</param>
public sealed record PredictionLogOptions(int BatchSize = 512, TimeSpan? Interval = null, int Capacity = 16_384)
{
    public TimeSpan FlushInterval => Interval ?? TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// The prediction log: <see cref="Record"/> queues into a bounded channel and returns; one background
/// writer stores the queue a batch at a time, each batch one transaction, so a crash loses at most the
/// batches not yet committed and never leaves half of one. A batch that cannot be stored is counted
/// as lost and the writer goes on (predictions never fail for the log's sake); <see cref="Dispose"/>
/// stores what is pending, then closes the store.
/// </summary>
public sealed class BatchedPredictionLog : IPredictionLog
{
    // How often a partly filled batch looks for more records, and at most how late a closed log stores its last batch.
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private readonly IMonitorStore store;
    private readonly PredictionLogOptions options;
    private readonly Channel<PredictionRecord> queue;
    private readonly Thread writer;
    private readonly Action<long>? onCommitted;
    private long written;
    private long lost;
    private bool disposed;

    /// <param name="onCommitted">Told the running total after each committed batch, on the writer's thread.</param>
    public BatchedPredictionLog(IMonitorStore store, PredictionLogOptions? options = null, Action<long>? onCommitted = null)
    {
        this.store = store;
        this.options = options ?? new PredictionLogOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.Capacity, this.options.BatchSize);
        this.onCommitted = onCommitted;
        queue = Channel.CreateBounded<PredictionRecord>(new BoundedChannelOptions(this.options.Capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        // A thread of its own, blocking while it waits and while it stores: on the thread pool, a batch's
        // synchronous database work would hold one of the threads the service's requests run on.
        writer = new Thread(WriteAll) { IsBackground = true, Name = "prediction log writer" };
        writer.Start();
    }

    public string Location => store.Location;

    /// <summary>Predictions committed to the store so far.</summary>
    public long Written => Interlocked.Read(ref written);

    /// <summary>Predictions in batches the store refused.</summary>
    public long Lost => Interlocked.Read(ref lost);

    /// <summary>Why the last refused batch was refused; null when none was.</summary>
    public string? LastError { get; private set; }

    public void Record(PredictionRecord record)
    {
        if (!queue.Writer.TryWrite(record))
        {
            queue.Writer.WriteAsync(record).AsTask().GetAwaiter().GetResult();
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        queue.Writer.TryComplete();
        writer.Join();
        store.Dispose();
    }

    private void WriteAll()
    {
        var reader = queue.Reader;
        var batch = new List<PredictionRecord>(options.BatchSize);
        var due = DateTime.UtcNow;
        while (true)
        {
            while (batch.Count < options.BatchSize && reader.TryRead(out var record))
            {
                // A batch is due an interval after its first record, however that record arrived.
                if (batch.Count == 0)
                {
                    due = DateTime.UtcNow + options.FlushInterval;
                }

                batch.Add(record);
            }

            var closed = reader.Completion.IsCompleted;
            if (batch.Count > 0 && (batch.Count >= options.BatchSize || DateTime.UtcNow >= due || closed))
            {
                Store(batch);
                batch.Clear();
                continue;
            }

            if (closed)
            {
                return;
            }

            if (batch.Count == 0)
            {
                // Idle: woken by the first record of the next batch only.
                if (!reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                {
                    return;
                }

                continue;
            }

            // Filling: look again every tick instead of waking for every record.
            var left = due - DateTime.UtcNow;
            Thread.Sleep(left < TimeSpan.Zero ? TimeSpan.Zero : left < Tick ? left : Tick);
        }
    }

    private void Store(List<PredictionRecord> batch)
    {
        try
        {
            store.Append(batch);
            var total = Interlocked.Add(ref written, batch.Count);
            onCommitted?.Invoke(total);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or IOException or TimeoutException)
        {
            Interlocked.Add(ref lost, batch.Count);
            LastError = ex.Message;
        }
    }
}
