using DigitForge.Scoring.Images;
using DigitForge.Scoring.Preprocessing;

namespace DigitForge.Scoring.Pipeline;

/// <summary>
/// One decode worker's path from file to model input: read the file, then <see cref="DigitInput"/>.
/// Keeps its buffers from file to file; one instance per thread.
/// </summary>
internal sealed class ImagePreparer(IDigitPreprocessor preprocessor, long maxPixels, long maxFileBytes)
{
    private readonly FileBuffer file = new();
    private readonly GreyImage grey = new();

    /// <summary>Writes the model input for <paramref name="path"/> into <paramref name="target"/>;
    /// returns null, or the reason the file cannot be scored.</summary>
    public string? Prepare(string path, Span<byte> target)
    {
        try
        {
            file.Load(path, maxFileBytes);
            return DigitInput.Prepare(file.Data, file.Length, maxPixels, grey, preprocessor, target)?.Reason;
        }
        catch (UnreadableImageException ex)
        {
            return ex.Message;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Bad input must not stop the run, even where it trips a bug; the row says it is one.
            return $"internal error while preparing the image ({ex.GetType().Name}: {ex.Message})";
        }
    }
}
