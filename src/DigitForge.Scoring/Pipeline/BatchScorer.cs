using System.Collections.Concurrent;
using System.Threading.Channels;
using DigitForge.Inference;
using DigitForge.Scoring.Listing;
using DigitForge.Scoring.Output;
using DigitForge.Scoring.Preprocessing;

namespace DigitForge.Scoring.Pipeline;

/// <summary>
/// Scores a stream of files with one model: a producer takes the listing a batch at a time and
/// decodes each batch on all threads, while the consumer runs the previous batch through the model
/// and hands its rows on in listing order. Three batch buffers circulate between the two (bounded
/// queues), so memory stays constant however many files stream through.
/// </summary>
public sealed class BatchScorer
{
    // One batch being decoded, one waiting, one being scored.
    private const int BatchBuffers = 3;

    private readonly OnnxDigitModel model;
    private readonly ScoringSettings settings;
    private readonly IDigitPreprocessor preprocessor;
    private readonly ConcurrentBag<ImagePreparer> preparers = [];
    private readonly int pixelsPerImage;

    public BatchScorer(OnnxDigitModel model, ScoringSettings settings)
    {
        settings.Validate();
        this.model = model;
        this.settings = settings;
        preprocessor = settings.Preprocess ? new MnistPreprocessor(model.Rows, model.Columns) : new RawPreprocessor(model.Rows, model.Columns);
        pixelsPerImage = model.Rows * model.Columns;
    }

    /// <summary>
    /// Scores every file, passing each batch's rows to <paramref name="onBatch"/> (on one thread, in
    /// listing order). Returns false when <paramref name="cancellation"/> stopped it: every batch handed
    /// on before that is complete, none after it.
    /// </summary>
    public async Task<bool> RunAsync(IEnumerable<ListedFile> files, Action<IReadOnlyList<ScoredImage>> onBatch, CancellationToken cancellation)
    {
        var free = Channel.CreateBounded<Batch>(BatchBuffers);
        for (var i = 0; i < BatchBuffers; i++)
        {
            free.Writer.TryWrite(new Batch(settings.BatchSize, pixelsPerImage, model.Classes));
        }

        var decoded = Channel.CreateBounded<Batch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(() => ProduceAsync(files, free.Reader, decoded.Writer, cancellation), CancellationToken.None);
        try
        {
            await foreach (var batch in decoded.Reader.ReadAllAsync(cancellation))
            {
                onBatch(Score(batch));
                free.Writer.TryWrite(batch);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await WhenStopped(producer);
            return false;
        }

        await producer;
        return true;
    }

    private static async Task WhenStopped(Task producer)
    {
        try
        {
            await producer;
        }
        catch (OperationCanceledException)
        {
            // Expected: the producer saw the same cancellation.
        }
    }

    private async Task ProduceAsync(IEnumerable<ListedFile> files, ChannelReader<Batch> free, ChannelWriter<Batch> decoded, CancellationToken cancellation)
    {
        try
        {
            using var listing = files.GetEnumerator();
            var more = true;
            while (more)
            {
                var batch = await free.ReadAsync(cancellation);
                batch.Count = 0;
                while (batch.Count < settings.BatchSize && (more = listing.MoveNext()))
                {
                    batch.Files[batch.Count++] = listing.Current;
                }

                if (batch.Count > 0)
                {
                    Decode(batch, cancellation);
                    await decoded.WriteAsync(batch, cancellation);
                }
            }

            decoded.Complete();
        }
        catch (Exception ex)
        {
            decoded.Complete(ex);
            throw;
        }
    }

    private void Decode(Batch batch, CancellationToken cancellation)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = settings.Threads, CancellationToken = cancellation };
        Parallel.For(
            0,
            batch.Count,
            options,
            () => preparers.TryTake(out var preparer) ? preparer : new ImagePreparer(preprocessor, settings.MaxPixels, settings.MaxFileBytes),
            (i, _, preparer) =>
            {
                batch.Errors[i] = preparer.Prepare(batch.Files[i].FullPath, batch.Pixels.AsSpan(i * pixelsPerImage, pixelsPerImage));
                return preparer;
            },
            preparers.Add);
    }

    private ScoredImage[] Score(Batch batch)
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

        var classes = model.Classes;
        var logits = batch.Logits.AsSpan(0, good * classes);
        model.Logits(batch.Pixels.AsSpan(0, good * pixelsPerImage), logits, settings.BatchSize);
        var probabilities = OnnxDigitModel.Softmax(logits, classes);
        var rows = new ScoredImage[batch.Count];
        for (int i = 0, scored = 0; i < batch.Count; i++)
        {
            var path = batch.Files[i].RelativePath;
            rows[i] = batch.Errors[i] is { } error
                ? ScoredImage.Failure(path, error)
                : ScoredImage.Scored(path, Top(logits.Slice(scored * classes, classes), probabilities.AsSpan(scored++ * classes, classes)));
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
            top[rank] = new LabelProbability(model.Labels[best], probabilities[best]);
        }

        return top;
    }

    /// <summary>Reusable buffers for one batch: its files, their model inputs, errors and logits.</summary>
    private sealed class Batch(int capacity, int pixelsPerImage, int classes)
    {
        public ListedFile[] Files { get; } = new ListedFile[capacity];

        public string?[] Errors { get; } = new string?[capacity];

        public byte[] Pixels { get; } = new byte[capacity * pixelsPerImage];

        public float[] Logits { get; } = new float[capacity * classes];

        public int Count { get; set; }
    }
}
