using DigitForge.Scoring.Images;
using DigitForge.Scoring.Listing;
using DigitForge.Scoring.Preprocessing;

namespace DigitForge.Scoring.Pipeline;

/// <summary>
/// One worker's path from file to model input: read the file, then <see cref="DigitInput"/>.
/// Keeps its buffers from file to file; one instance per thread.
/// </summary>
internal sealed class ImagePreparer(IDigitPreprocessor preprocessor, long maxPixels, long maxFileBytes, bool hashInputs = false) : IDisposable
{
    private readonly FileBuffer file = new();
    private readonly GreyImage grey = new();

    // Reads many files per system call where the OS allows it; each file it did not read whole is read through `file`.
    private readonly IoUringFileReader? batchReader = IoUringFileReader.TryCreate();

    /// <summary>Writes the model input of each of <paramref name="files"/> into consecutive
    /// <paramref name="pixelsPerImage"/>-byte slices of <paramref name="targets"/>, and into
    /// <paramref name="errors"/> null or the reason that file cannot be scored, and into <paramref name="hashes"/> the
    /// SHA-256 of each file read when the preparer hashes its inputs.</summary>
    public void PrepareAll(ReadOnlySpan<ListedFile> files, Span<byte> targets, int pixelsPerImage, Span<string?> errors, Span<string?> hashes, CancellationToken cancellation)
    {
        for (var start = 0; start < files.Length; start += IoUringFileReader.Slots)
        {
            var chunk = files.Slice(start, Math.Min(IoUringFileReader.Slots, files.Length - start));
            ReadAhead(chunk);
            for (var i = 0; i < chunk.Length; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                var target = targets.Slice((start + i) * pixelsPerImage, pixelsPerImage);
                var (content, length) = batchReader is not null && batchReader.TryGet(i, out var data, out var read) ? (data, read) : (null, 0);
                (errors[start + i], hashes[start + i]) = Prepare(chunk[i].FullPath, content, length, target);
            }
        }
    }

    public void Dispose() => batchReader?.Dispose();

    /// <summary>Reads <paramref name="files"/> with one submission, where the batch reader exists.</summary>
    private void ReadAhead(ReadOnlySpan<ListedFile> files)
    {
        if (batchReader is null)
        {
            return;
        }

        batchReader.Clear();
        foreach (var file in files)
        {
            batchReader.Add(file.FullPath);
        }

        batchReader.ReadAll(maxFileBytes);
    }

    /// <summary>The model input for the file at <paramref name="path"/> into <paramref name="target"/>, from
    /// <paramref name="content"/> when it was read already, else read here; null, or why it cannot be scored; and the file's hash.</summary>
    private (string? Error, string? Hash) Prepare(string path, byte[]? content, int length, Span<byte> target)
    {
        string? hash = null;
        try
        {
            if (content is null)
            {
                file.Load(path, maxFileBytes);
                (content, length) = (file.Data, file.Length);
            }

            hash = hashInputs ? Monitoring.PredictionRecord.HashOf(content.AsSpan(0, length)) : null;
            return (DigitInput.Prepare(content, length, maxPixels, grey, preprocessor, target)?.Reason, hash);
        }
        catch (UnreadableImageException ex)
        {
            return (ex.Message, hash);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Bad input must not stop the run, even where it trips a bug; the row says it is one.
            return ($"internal error while preparing the image ({ex.GetType().Name}: {ex.Message})", hash);
        }
    }
}
