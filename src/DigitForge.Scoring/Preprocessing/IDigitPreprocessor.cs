using DigitForge.Scoring.Images;

namespace DigitForge.Scoring.Preprocessing;

/// <summary>Turns a decoded grey image into the model's input: rows x columns bytes, 0 = background.
/// Implementations are stateless and safe to share between threads.</summary>
public interface IDigitPreprocessor
{
    /// <summary>Writes the model input for <paramref name="image"/> into <paramref name="target"/>; throws
    /// <see cref="UnreadableImageException"/> when the image holds nothing to score.</summary>
    void Prepare(GreyImage image, Span<byte> target);
}
