namespace DigitForge.Training.Onnx;

/// <summary>
/// A convolution followed by a 2x2 max pool, rewritten as one convolution on the image rearranged
/// space-to-depth (each 2x2 pixel block becomes 4 channels) that computes all four pool phases at once:
/// output channel (a·2 + b)·C₁ + c holds conv channel c at pixel (2i + a, 2j + b), and the pool is the
/// maximum over the four phases. Same values, exactly; what the int8 export needs because ONNX Runtime's
/// integer convolution on a one-channel image is slow, while this form has 4 input channels, a 3x3
/// instead of a 5x5 kernel, and leaves the pool as a channels-last uint8 max.
/// </summary>
/// <remarks>
/// For a one-channel image and a K×K kernel (K odd) with "same" padding P = (K − 1)/2, P even: the phase
/// kernel is (P + 1)×(P + 1) over the rearranged image, padded by P/2 blocks, with weight
/// [(a·2+b)·C₁ + c, dy·2+dx, u, v] = W[c, 0, 2u + dy − a, 2v + dx − b] (zero outside the K×K kernel). An odd side gets one zero row or
/// column at its end, so it splits into blocks, and one block less of padding there (the pool drops the
/// last conv row of an odd side anyway).
/// </remarks>
internal sealed record PhaseSplit(
    string Name,
    int Channels,
    int PhaseRows,
    int PhaseColumns,
    int PadBottom,
    int PadRight,
    OnnxInitializer Weight,
    OnnxInitializer Bias,
    IReadOnlyList<OnnxAttribute> ConvAttributes)
{
    /// <summary>Rows of the pooled output (the image's rows halved, rounded down).</summary>
    public int PooledRows => PhaseRows - PadBottom;

    /// <summary>Columns of the pooled output.</summary>
    public int PooledColumns => PhaseColumns - PadRight;

    public string WeightName => Weight.Name;

    public string BiasName => Bias.Name;

    /// <summary>The phase-split form of <paramref name="conv"/> (weight and bias from <paramref name="initializers"/>) and the 2x2 <paramref name="pool"/> after it, on a [batch, 1, height, width] input.</summary>
    public static PhaseSplit Of(OnnxNode conv, OnnxNode pool, IReadOnlyList<OnnxInitializer> initializers, int height, int width)
    {
        var (kernel, pads, strides, dilations) = (Ints(conv, "kernel_shape"), Ints(conv, "pads"), Ints(conv, "strides"), Ints(conv, "dilations"));
        var k = (int)kernel[0];
        var p = (k - 1) / 2;
        if (kernel.Any(v => v != k) || k % 2 == 0 || p % 2 != 0 || p == 0 || pads.Any(v => v != p) || strides.Any(v => v != 1) || dilations.Any(v => v != 1))
        {
            throw new OnnxExportException($"Layer '{conv.Name}' cannot be phase-split: it needs a square odd kernel with 'same' padding of an even size (5x5 pads 2), stride 1 and dilation 1.");
        }

        if (Ints(pool, "kernel_shape").Any(v => v != 2) || Ints(pool, "strides").Any(v => v != 2) || Ints(pool, "pads").Any(v => v != 0))
        {
            throw new OnnxExportException($"Layer '{pool.Name}' cannot be phase-split: it must be a 2x2 max pool with stride 2 and no padding.");
        }

        var weight = initializers.Single(i => i.Name == conv.Inputs[1]).Floats;
        var bias = conv.Inputs.Count > 2 ? initializers.Single(i => i.Name == conv.Inputs[2]).Floats : null;
        var outChannels = weight.Length / (k * k);
        var side = p + 1;
        var phaseWeight = new float[4 * outChannels * 4 * side * side];
        var phaseBias = new float[4 * outChannels];
        for (var phase = 0; phase < 4; phase++)
        {
            var (a, b) = (phase / 2, phase % 2);
            for (var c = 0; c < outChannels; c++)
            {
                var o = (phase * outChannels) + c;
                phaseBias[o] = bias?[c] ?? 0f;
                for (var block = 0; block < 4; block++)
                {
                    var (dy, dx) = (block / 2, block % 2);
                    for (var u = 0; u < side; u++)
                    {
                        for (var v = 0; v < side; v++)
                        {
                            var (ky, kx) = ((2 * u) + dy - a, (2 * v) + dx - b);
                            if (ky >= 0 && ky < k && kx >= 0 && kx < k)
                            {
                                phaseWeight[(((((o * 4) + block) * side) + u) * side) + v] = weight[(((c * k) + ky) * k) + kx];
                            }
                        }
                    }
                }
            }
        }

        var (padBottom, padRight) = (height % 2, width % 2);
        return new PhaseSplit(
            conv.Name,
            outChannels,
            (height + 1) / 2,
            (width + 1) / 2,
            padBottom,
            padRight,
            new OnnxInitializer(conv.Name + ".phase_weight", [4 * outChannels, 4, side, side], phaseWeight),
            new OnnxInitializer(conv.Name + ".phase_bias", [4 * outChannels], phaseBias),
            [
                OnnxAttribute.Ints("dilations", 1, 1),
                OnnxAttribute.Int("group", 1),
                OnnxAttribute.Ints("kernel_shape", side, side),
                OnnxAttribute.Ints("pads", p / 2, p / 2, (p / 2) - padBottom, (p / 2) - padRight),
                OnnxAttribute.Ints("strides", 1, 1),
            ]);
    }

    private static IReadOnlyList<long> Ints(OnnxNode node, string name) =>
        node.Attributes.SingleOrDefault(a => a.Name == name)?.IntsValue ?? throw new OnnxExportException($"Layer '{node.Name}' has no '{name}' attribute.");
}
