using System.Runtime.ExceptionServices;
using DigitForge.Inference;
using DigitForge.Scoring.Listing;
using DigitForge.Scoring.Output;
using DigitForge.Scoring.Preprocessing;

namespace DigitForge.Scoring.Pipeline;

/// <summary>
/// Scores a stream of files with one model: each worker thread takes the next batch of the listing,
/// reads, decodes and scores it on its own single-threaded session, and hands its rows on in
/// listing order. Workers run whole batches side by side instead of splitting each step over the
/// cores: for a model this small that costs a third less CPU per image than ONNX Runtime's intra-op
/// threads next to separate decode threads (measured in docs/int8.md). A worker does not run more
/// than a few batches ahead of the oldest unfinished one, so memory stays constant however many
/// files stream through.
/// </summary>
public sealed class BatchScorer
{
    // Batches finished but waiting for an earlier one, per worker, before a worker waits instead.
    private const int AheadPerWorker = 2;

    private readonly IReadOnlyList<OnnxDigitModel> models;
    private readonly ScoringSettings settings;
    private readonly IDigitPreprocessor preprocessor;
    private readonly int pixelsPerImage;
    private readonly int classes;
    private readonly IReadOnlyList<string> labels;

    /// <param name="models">One session per worker thread, all of the same model file.</param>
    public BatchScorer(IReadOnlyList<OnnxDigitModel> models, ScoringSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfZero(models.Count);
        settings.Validate();
        this.models = models;
        this.settings = settings;
        var model = models[0];
        preprocessor = settings.Preprocess ? new MnistPreprocessor(model.Rows, model.Columns) : new RawPreprocessor(model.Rows, model.Columns);
        pixelsPerImage = model.Rows * model.Columns;
        classes = model.Classes;
        labels = model.Labels;
    }

    /// <summary>
    /// Scores every file, passing each batch's rows to <paramref name="onBatch"/> (one call at a time,
    /// in listing order). Returns false when <paramref name="cancellation"/> stopped it: every batch handed
    /// on before that is complete, none after it.
    /// </summary>
    public async Task<bool> RunAsync(IEnumerable<ListedFile> files, Action<IReadOnlyList<ScoredImage>> onBatch, CancellationToken cancellation)
    {
        using var listing = files.GetEnumerator();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var run = new Run(listing, onBatch, models.Count * AheadPerWorker, stop);
        var workers = models.Select(model => Task.Factory.StartNew(
            () => Work(run, model),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        try
        {
            await Task.WhenAll(workers);
            return true;
        }
        catch
        {
            // A worker's own failure wins over the cancellations it caused in the others.
            if (workers.FirstOrDefault(w => w.Exception?.InnerException is { } e && e is not OperationCanceledException) is { } failed)
            {
                ExceptionDispatchInfo.Capture(failed.Exception!.InnerException!).Throw();
            }

            if (cancellation.IsCancellationRequested)
            {
                return false;
            }

            throw;
        }
    }

    private void Work(Run run, OnnxDigitModel model)
    {
        var batch = new Batch(settings.BatchSize, pixelsPerImage, classes);
        using var preparer = new ImagePreparer(preprocessor, settings.MaxPixels, settings.MaxFileBytes, settings.HashInputs);
        var token = run.Stop.Token;
        try
        {
            while (run.Take(batch, settings.BatchSize) is { } sequence)
            {
                preparer.PrepareAll(batch.Files.AsSpan(0, batch.Count), batch.Pixels, pixelsPerImage, batch.Errors, batch.Hashes, token);

                run.Hand(sequence, Score(batch, model));
            }
        }
        catch
        {
            run.Stop.Cancel();
            throw;
        }
    }

    private ScoredImage[] Score(Batch batch, OnnxDigitModel model)
    {
        // Failed files leave gaps: move the good images together so the model sees only those.
        var good = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch.Errors[i] is null)
            {
                if (good != i)
                {
                    batch.Pixels.AsSpan(i * pixelsPerImage, pixelsPerImage).CopyTo(batch.Pixels.AsSpan(good * pixelsPerImage));
                }

                good++;
            }
        }

        var logits = batch.Logits.AsSpan(0, good * classes);
        model.Logits(batch.Pixels.AsSpan(0, good * pixelsPerImage), logits, settings.BatchSize);
        var probabilities = OnnxDigitModel.Softmax(logits, classes);
        var rows = new ScoredImage[batch.Count];
        for (int i = 0, scored = 0; i < batch.Count; i++)
        {
            var path = batch.Files[i].RelativePath;
            rows[i] = batch.Errors[i] is { } error
                ? ScoredImage.Failure(path, error)
                : ScoredImage.Scored(path, Top(logits.Slice(scored * classes, classes), probabilities.AsSpan(scored++ * classes, classes))) with { InputHash = batch.Hashes[i] };
        }

        return rows;
    }

    /// <summary>The k best labels by logit (ties: the lower index first, as the arg-max), with their probabilities.</summary>
    private LabelProbability[] Top(ReadOnlySpan<float> logits, ReadOnlySpan<float> probabilities)
    {
        var k = Math.Min(settings.TopK, logits.Length);
        var top = new LabelProbability[k];
        Span<bool> taken = stackalloc bool[logits.Length];
        for (var rank = 0; rank < k; rank++)
        {
            var best = -1;
            for (var c = 0; c < logits.Length; c++)
            {
                if (!taken[c] && (best < 0 || logits[c] > logits[best]))
                {
                    best = c;
                }
            }

            taken[best] = true;
            top[rank] = new LabelProbability(labels[best], probabilities[best]);
        }

        return top;
    }

    /// <summary>
    /// What the workers share: the listing, taken a batch at a time, and the hand-off of finished
    /// batches in listing order. Both under one lock; <see cref="Stop"/> ends every worker.
    /// </summary>
    private sealed class Run(IEnumerator<ListedFile> listing, Action<IReadOnlyList<ScoredImage>> onBatch, int maxAhead, CancellationTokenSource stop)
    {
        // An object, not a Lock: workers wait on it (Monitor.Wait) for the oldest batch to be handed on.
        private readonly object gate = new();
        private readonly Dictionary<long, ScoredImage[]> finished = [];
        private bool listed;
        private long taken;
        private long handed;

        public CancellationTokenSource Stop => stop;

        /// <summary>Fills <paramref name="batch"/> with the next files; its sequence number, or null when the listing is done.</summary>
        public long? Take(Batch batch, int size)
        {
            lock (gate)
            {
                while (taken - handed >= maxAhead)
                {
                    stop.Token.ThrowIfCancellationRequested();

                    // Timed, so a stop is seen while waiting.
                    Monitor.Wait(gate, TimeSpan.FromMilliseconds(50));
                }

                stop.Token.ThrowIfCancellationRequested();
                batch.Count = 0;
                while (!listed && batch.Count < size)
                {
                    if (listing.MoveNext())
                    {
                        batch.Files[batch.Count++] = listing.Current;
                    }
                    else
                    {
                        listed = true;
                    }
                }

                return batch.Count > 0 ? taken++ : null;
            }
        }

        /// <summary>Passes on this batch's rows, and any later batches that waited for it, unless stopped.</summary>
        public void Hand(long sequence, ScoredImage[] rows)
        {
            lock (gate)
            {
                finished.Add(sequence, rows);
                while (finished.Remove(handed, out var next))
                {
                    stop.Token.ThrowIfCancellationRequested();
                    onBatch(next);
                    handed++;
                }

                Monitor.PulseAll(gate);
            }
        }
    }

    /// <summary>Reusable buffers for one worker's batch: its files, their model inputs, errors and logits.</summary>
    private sealed class Batch(int capacity, int pixelsPerImage, int classes)
    {
        public ListedFile[] Files { get; } = new ListedFile[capacity];

        public string?[] Errors { get; } = new string?[capacity];

        public string?[] Hashes { get; } = new string?[capacity];

        public byte[] Pixels { get; } = new byte[capacity * pixelsPerImage];

        public float[] Logits { get; } = new float[capacity * classes];

        public int Count { get; set; }
    }
}
