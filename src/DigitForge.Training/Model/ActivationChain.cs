using static TorchSharp.torch;

namespace DigitForge.Training.Model;

/// <summary>
/// A forward pass's current activation. Each one is released as soon as the next layer has made
/// its successor, not when the pass ends: without gradients nothing else holds it, so a large
/// evaluation batch (1000 images: 100 MB per early activation) keeps two activations alive instead
/// of all of them, and the allocator reuses their memory. Under autograd the graph keeps what
/// backward needs; releasing our handle only drops a reference, so results are unchanged.
/// </summary>
public sealed class ActivationChain
{
    private readonly Tensor input;

    /// <summary>Starts at <paramref name="input"/>, which stays the caller's: it is never released.</summary>
    public ActivationChain(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        this.input = input;
        Current = input;
    }

    public Tensor Current { get; private set; }

    /// <summary>Runs <paramref name="layer"/> on the current activation and releases that one,
    /// unless it is the input or the layer returned it unchanged (dropout in eval mode).</summary>
    public void Next(Func<Tensor, Tensor> layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var next = layer(Current);
        if (!ReferenceEquals(Current, input) && !ReferenceEquals(Current, next))
        {
            Current.Dispose();
        }

        Current = next;
    }
}
