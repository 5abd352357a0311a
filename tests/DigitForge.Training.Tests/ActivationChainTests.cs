using DigitForge.Training.Model;
using static TorchSharp.torch;

namespace DigitForge.Training.Tests;

[Trait("Category", "Unit")]
public sealed class ActivationChainTests
{
    [Fact]
    public void Each_intermediate_is_released_once_the_next_exists_and_the_input_never()
    {
        using var input = ones(2, 3);
        var made = new List<Tensor>();
        Tensor Double(Tensor x)
        {
            var y = x * 2;
            made.Add(y);
            return y;
        }

        var chain = new ActivationChain(input);
        chain.Next(Double);
        chain.Next(Double);
        chain.Next(Double);

        input.IsInvalid.Should().BeFalse();
        made.Take(2).Should().OnlyContain(t => t.IsInvalid);
        using var result = chain.Current;
        result.Should().BeSameAs(made[2]);
        result.sum().item<float>().Should().Be(6 * 8);
    }

    [Fact]
    public void A_layer_that_returns_its_input_unchanged_does_not_release_it()
    {
        using var input = ones(4);
        var chain = new ActivationChain(input);
        chain.Next(x => x + 1);
        var intermediate = chain.Current;

        chain.Next(x => x); // what dropout does in eval mode

        chain.Current.Should().BeSameAs(intermediate);
        intermediate.IsInvalid.Should().BeFalse();
        using var result = chain.Current;
        result.sum().item<float>().Should().Be(8);
    }
}
