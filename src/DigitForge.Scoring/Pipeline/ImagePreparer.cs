using DigitForge.Scoring.Images;
using DigitForge.Scoring.Preprocessing;

namespace DigitForge.Scoring.Pipeline;

/// <summary>
/// One decode worker's path from file to model input: read the file, check its header (format,
/// truncation, the pixel cap, all before decoding), decode to grey, preprocess. Keeps its buffers from
/// file to file; one instance per thread.
/// </summary>
internal sealed class ImagePreparer(IDigitPreprocessor preprocessor, long maxPixels, long maxFileBytes)
{
    // A grey buffer grown past this for one large image is released afterwards.
    private const int RetainedGreyBytes = 4 << 20;

    private readonly FileBuffer file = new();
    private readonly GreyImage grey = new();

    /// <summary>Writes the model input for <paramref name="path"/> into <paramref name="target"/>;
    /// returns null, or the reason the file cannot be scored.</summary>
    public string? Prepare(string path, Span<byte> target)
    {
        try
        {
            file.Load(path, maxFileBytes);
            var header = ImageHeaderReader.Read(file.Content);
            if (header.Pixels > maxPixels)
            {
                return $"image is {header.Width}x{header.Height} = {header.Pixels:N0} pixels, over the limit of {maxPixels:N0} (--max-pixels); not decoded";
            }

            GreyDecoder.Decode(file.Data, file.Length, grey);
            preprocessor.Prepare(grey, target);
            return null;
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
        finally
        {
            grey.Trim(RetainedGreyBytes);
        }
    }
}
