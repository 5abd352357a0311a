using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DigitForge.Training.Model;

/// <summary>
/// The seeds' CNN for 1-channel digit images:
/// conv1 5x5 (pad 2) + bn1 + ReLU + pool1 2x2;
/// conv2 5x5 (pad 2) + bn2 + ReLU + pool2 2x2 + drop2 (Dropout2d);
/// conv3 3x3 (pad 1) + bn3 + ReLU + pool3 (adaptive average to 3x3);
/// flatten; fc1 + ReLU + drop_fc1 (Dropout); fc2 + ReLU; fc3 (logits, 10 classes).
/// The bn layers exist only when <see cref="ModelConfig.BatchNorm"/> is on; the convolutions keep
/// their bias either way, as in the seeds (the default count, 455,754, includes it).
/// </summary>
/// <remarks>
/// State-dict names are the field names (<c>conv1.weight</c>, <c>bn1.running_mean</c>, ...,
/// <c>fc3.bias</c>), which is what an ONNX exporter maps from. Any input of at least 4x4 pixels works;
/// the adaptive pool makes the flattened size <c>Channels[2] * 9</c> whatever the image size.
/// </remarks>
public sealed class DigitCnn : Module<Tensor, Tensor>
{
    public const int Classes = 10;

    /// <summary>Side of the adaptive average pool's output (3x3).</summary>
    public const int PooledSide = 3;

    // Field names are the registered component names; keep them stable (weights files and the
    // ONNX exporter depend on them).
#pragma warning disable IDE1006 // PyTorch-style names on purpose
    private readonly Conv2d conv1;
    private readonly BatchNorm2d? bn1;
    private readonly MaxPool2d pool1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d? bn2;
    private readonly MaxPool2d pool2;
    private readonly Dropout2d drop2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d? bn3;
    private readonly AdaptiveAvgPool2d pool3;
    private readonly Linear fc1;
    private readonly Dropout drop_fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;
#pragma warning restore IDE1006

    public DigitCnn(ModelConfig config)
        : base(nameof(DigitCnn))
    {
        ArgumentNullException.ThrowIfNull(config);
        ValidateShape(config);
        Config = config;

        var (c1, c2, c3) = (config.Channels[0], config.Channels[1], config.Channels[2]);
        var (h1, h2) = (config.Hidden[0], config.Hidden[1]);

        conv1 = Conv2d(1, c1, kernel_size: 5, padding: 2);
        bn1 = config.BatchNorm ? BatchNorm2d(c1) : null;
        pool1 = MaxPool2d(kernel_size: 2);

        conv2 = Conv2d(c1, c2, kernel_size: 5, padding: 2);
        bn2 = config.BatchNorm ? BatchNorm2d(c2) : null;
        pool2 = MaxPool2d(kernel_size: 2);
        drop2 = Dropout2d(config.ConvDropout);

        conv3 = Conv2d(c2, c3, kernel_size: 3, padding: 1);
        bn3 = config.BatchNorm ? BatchNorm2d(c3) : null;
        pool3 = AdaptiveAvgPool2d([PooledSide, PooledSide]);

        fc1 = Linear(c3 * PooledSide * PooledSide, h1);
        drop_fc1 = Dropout(config.FcDropout);
        fc2 = Linear(h1, h2);
        fc3 = Linear(h2, Classes);

        RegisterComponents();
    }

    public ModelConfig Config { get; }

    /// <summary>Flattened feature size fed to fc1: <c>Channels[2] * 3 * 3</c>.</summary>
    public static int FlattenedSize(ModelConfig config) => config.Channels[2] * PooledSide * PooledSide;

    /// <summary>Trainable parameter count of the model <paramref name="config"/> describes, computed
    /// from the layer sizes alone (no tensors are created).</summary>
    public static long CountParameters(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        ValidateShape(config);
        long c1 = config.Channels[0], c2 = config.Channels[1], c3 = config.Channels[2];
        long h1 = config.Hidden[0], h2 = config.Hidden[1];
        long conv = (1 * c1 * 25 + c1) + (c1 * c2 * 25 + c2) + (c2 * c3 * 9 + c3);
        long bn = config.BatchNorm ? 2 * (c1 + c2 + c3) : 0;
        long fc = (c3 * PooledSide * PooledSide * h1 + h1) + (h1 * h2 + h2) + (h2 * Classes + Classes);
        return conv + bn + fc;
    }

    /// <summary>Number of elements of all parameters that require gradients.</summary>
    public long TrainableParameterCount() =>
        parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    /// <summary>Logits [N, 10] for a batch [N, 1, H, W] of normalised images.</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = new ActivationChain(ChannelsLastView(input));

        x.Next(conv1.forward);
        if (bn1 is not null) x.Next(bn1.forward);
        x.Next(Relu);
        x.Next(pool1.forward);

        x.Next(conv2.forward);
        if (bn2 is not null) x.Next(bn2.forward);
        x.Next(Relu);
        x.Next(pool2.forward);
        x.Next(drop2.forward);

        x.Next(conv3.forward);
        if (bn3 is not null) x.Next(bn3.forward);
        x.Next(Relu);
        x.Next(pool3.forward);

        x.Next(t => t.flatten(1));
        x.Next(fc1.forward);
        x.Next(Relu);
        x.Next(drop_fc1.forward);
        x.Next(fc2.forward);
        x.Next(Relu);
        x.Next(fc3.forward);

        return x.Current.MoveToOuterDisposeScope();
    }

    private static Tensor Relu(Tensor x) => functional.relu(x);

    /// <summary>
    /// The same one-channel batch with channels-last strides, without a copy (one channel: NCHW and NHWC
    /// are the same bytes). Convolutions then write channels-last activations and every later layer keeps
    /// that layout, where oneDNN's convolutions and ATen's pooling and batch norm are several times faster
    /// on CPU than on NCHW; <c>flatten</c> still reads the activations in NCHW order, so fc1 is unchanged.
    /// </summary>
    internal static Tensor ChannelsLastView(Tensor input)
    {
        if (input.dim() != 4 || input.shape[1] != 1 || !input.is_contiguous())
        {
            return input;
        }

        var (height, width) = (input.shape[2], input.shape[3]);
        // The offset too: a batch narrowed out of a larger tensor starts inside its storage.
        return input.as_strided(input.shape, [height * width, 1, width, 1], input.storage_offset());
    }

    private static void ValidateShape(ModelConfig config)
    {
        if (config.Channels is not { Length: 3 } || config.Channels.Any(c => c < 1))
        {
            throw new ArgumentException("ModelConfig.Channels needs 3 positive channel counts.", nameof(config));
        }

        if (config.Hidden is not { Length: 2 } || config.Hidden.Any(h => h < 1))
        {
            throw new ArgumentException("ModelConfig.Hidden needs 2 positive sizes.", nameof(config));
        }
    }
}
