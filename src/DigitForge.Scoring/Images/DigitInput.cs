using DigitForge.Scoring.Preprocessing;

namespace DigitForge.Scoring.Images;

/// <summary>Why an image cannot be scored.</summary>
public enum UnscorableKind
{
    /// <summary>Its header declares more pixels than the cap allows; it was not decoded.</summary>
    TooLarge,

    /// <summary>Not a PNG, JPEG, BMP or GIF.</summary>
    Unsupported,

    /// <summary>Claims a supported format but is truncated or damaged.</summary>
    Corrupt,
}

/// <summary>An image that cannot be scored, and why.</summary>
public sealed record Unscorable(UnscorableKind Kind, string Reason);

/// <summary>
/// Image bytes to model input, the one path <c>digitforge-score</c> and <c>digitforge-serve</c> share:
/// the header is checked (format, truncation, the pixel cap) before any decoding, then the image is
/// decoded to grey and preprocessed into the model's input.
/// </summary>
public static class DigitInput
{
    // A grey buffer grown past this for one large image is released afterwards.
    private const int RetainedGreyBytes = 4 << 20;

    /// <summary>Writes the model input for the image in <paramref name="data"/>[0..<paramref name="length"/>) into
    /// <paramref name="target"/>, using <paramref name="grey"/> as the caller's reusable buffer; null, or why not.</summary>
    public static Unscorable? Prepare(byte[] data, int length, long maxPixels, GreyImage grey, IDigitPreprocessor preprocessor, Span<byte> target)
    {
        ArgumentNullException.ThrowIfNull(grey);
        ArgumentNullException.ThrowIfNull(preprocessor);
        try
        {
            var header = ImageHeaderReader.Read(data.AsSpan(0, length));
            if (header.Pixels > maxPixels)
            {
                return new Unscorable(UnscorableKind.TooLarge, $"image is {header.Width}x{header.Height} = {header.Pixels:N0} pixels, over the limit of {maxPixels:N0} (--max-pixels); not decoded");
            }

            GreyDecoder.Decode(data, length, grey);
            preprocessor.Prepare(grey, target);
            return null;
        }
        catch (UnreadableImageException ex)
        {
            // The header reader names unknown signatures "not a PNG, JPEG, BMP or GIF image".
            return new Unscorable(ex.Message.StartsWith("not a ", StringComparison.Ordinal) ? UnscorableKind.Unsupported : UnscorableKind.Corrupt, ex.Message);
        }
        finally
        {
            grey.Trim(RetainedGreyBytes);
        }
    }
}
