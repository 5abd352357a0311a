using StbImageSharp;

namespace DigitForge.Scoring.Images;

/// <summary>
/// Decodes a whole image file held in memory (PNG, JPEG, BMP, GIF first frame; grey, colour, alpha,
/// palette, 16-bit) with StbImageSharp and converts it to grey; RLE-compressed BMP, which stb does not
/// read, goes through <see cref="BmpRle"/>, and the common PNG through <see cref="FastPng"/> (same pixels,
/// far cheaper). Colour becomes luma (ITU-R BT.601).
/// Transparent pixels are composited over the background that contrasts with the visible ink: white
/// under dark strokes, black under light ones, so a digit drawn on a transparent canvas stays visible
/// whatever colour the canvas's hidden pixels have.
/// </summary>
public static class GreyDecoder
{
    public static void Decode(byte[] file, int length, GreyImage target)
    {
        if (BmpRle.Matches(file.AsSpan(0, length)))
        {
            BmpRle.Decode(file.AsSpan(0, length), target);
            return;
        }

        if (PngHeader.Matches(file.AsSpan(0, length)) && FastPng.TryDecode(file, length, target))
        {
            return;
        }

        DecodeWithStb(file, length, target);
    }

    /// <summary>StbImageSharp's decoding, which <see cref="FastPng"/> must match.</summary>
    internal static void DecodeWithStb(byte[] file, int length, GreyImage target)
    {
        ImageResult decoded;
        try
        {
            using var stream = new MemoryStream(file, 0, length, writable: false);
            decoded = ImageResult.FromStream(stream);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // stb's own reason lives in a process-wide field that other threads overwrite, so it is not quoted.
            throw new UnreadableImageException("the decoder rejected the image data (damaged or unsupported)", ex);
        }

        var channels = decoded.Comp switch
        {
            ColorComponents.Grey => 1,
            ColorComponents.GreyAlpha => 2,
            ColorComponents.RedGreenBlue => 3,
            ColorComponents.RedGreenBlueAlpha => 4,
            _ => throw new UnreadableImageException($"the decoder returned {decoded.Comp} pixels"),
        };
        target.Resize(decoded.Width, decoded.Height);
        ToGrey(decoded.Data, channels, target.Pixels);
    }

    /// <summary>Grey from 8-bit samples: grey (1 channel), grey+alpha (2), RGB (3) or RGBA (4), pixel after pixel.</summary>
    internal static void ToGrey(ReadOnlySpan<byte> data, int channels, Span<byte> pixels)
    {
        switch (channels)
        {
            case 1:
                data[..pixels.Length].CopyTo(pixels);
                break;
            case 3:
                for (var i = 0; i < pixels.Length; i++)
                {
                    pixels[i] = Luma(data, i * 3);
                }

                break;
            default:
                Composite(data, channels, pixels);
                break;
        }
    }

    private static byte Luma(ReadOnlySpan<byte> data, int offset) =>
        (byte)(((299 * data[offset]) + (587 * data[offset + 1]) + (114 * data[offset + 2]) + 500) / 1000);

    /// <summary>Grey from grey+alpha (2 channels) or RGBA (4) pixels.</summary>
    private static void Composite(ReadOnlySpan<byte> data, int channels, Span<byte> pixels)
    {
        long alphaSum = 0;
        long inkSum = 0;
        var opaque = true;
        for (var i = 0; i < pixels.Length; i++)
        {
            var offset = i * channels;
            int alpha = data[offset + channels - 1];
            var grey = channels == 2 ? data[offset] : Luma(data, offset);
            pixels[i] = grey;
            opaque &= alpha == 255;
            alphaSum += alpha;
            inkSum += alpha * grey;
        }

        if (opaque)
        {
            return;
        }

        // The visible pixels' mean grey decides the background; a fully transparent image comes out blank.
        var background = alphaSum > 0 && inkSum / alphaSum >= 128 ? 0 : 255;
        for (var i = 0; i < pixels.Length; i++)
        {
            int alpha = data[(i * channels) + channels - 1];
            pixels[i] = (byte)(((alpha * pixels[i]) + ((255 - alpha) * background) + 127) / 255);
        }
    }
}
