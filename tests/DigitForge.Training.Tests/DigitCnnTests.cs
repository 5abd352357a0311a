using DigitForge.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace DigitForge.Training.Tests;

[Trait("Category", "Unit")]
public sealed class DigitCnnTests
{
    [Fact]
    public void Defaults_have_455754_trainable_parameters_and_ten_logits_per_image()
    {
        using var model = new DigitCnn(new ModelConfig());
        model.eval();

        model.TrainableParameterCount().Should().Be(455_754);
        DigitCnn.CountParameters(new ModelConfig()).Should().Be(455_754);

        using var _ = no_grad();
        using var input = randn(5, 1, 28, 28);
        using var output = model.forward(input);
        output.shape.Should().Equal(5, 10);
    }

    [Fact]
    public void Defaults_have_the_seed_layer_sequence_and_shapes()
    {
        using var model = new DigitCnn(new ModelConfig());

        model.named_children().Select(c => c.name).Should().Equal(
            "conv1", "bn1", "pool1", "conv2", "bn2", "pool2", "drop2", "conv3", "bn3", "pool3", "fc1", "drop_fc1", "fc2", "fc3");

        model.named_parameters().Select(p => $"{p.name}:{string.Join("x", p.parameter.shape)}").Should().Equal(
            "conv1.weight:32x1x5x5", "conv1.bias:32",
            "bn1.weight:32", "bn1.bias:32",
            "conv2.weight:64x32x5x5", "conv2.bias:64",
            "bn2.weight:64", "bn2.bias:64",
            "conv3.weight:128x64x3x3", "conv3.bias:128",
            "bn3.weight:128", "bn3.bias:128",
            "fc1.weight:256x1152", "fc1.bias:256",
            "fc2.weight:128x256", "fc2.bias:128",
            "fc3.weight:10x128", "fc3.bias:10");

        model.named_buffers().Select(b => b.name).Should().Equal(
            "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
            "bn2.running_mean", "bn2.running_var", "bn2.num_batches_tracked",
            "bn3.running_mean", "bn3.running_var", "bn3.num_batches_tracked");
    }

    [Fact]
    public void Intermediate_activations_have_the_seed_shapes()
    {
        // 28 -> conv1 28 -> pool 14 -> conv2 14 -> pool 7 -> conv3 7 -> adaptive 3 -> 1152.
        using var model = new DigitCnn(new ModelConfig());
        model.eval();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var x = randn(2, 1, 28, 28);
        var shapes = new List<string>();
        foreach (var (name, module) in model.named_children())
        {
            x = ((nn.Module<Tensor, Tensor>)module).forward(x);
            if (name is "pool1" or "pool2" or "pool3")
            {
                shapes.Add($"{name}:{string.Join("x", x.shape)}");
            }

            if (name == "pool3")
            {
                break; // the flatten before fc1 is not a module
            }
        }

        shapes.Should().Equal("pool1:2x32x14x14", "pool2:2x64x7x7", "pool3:2x128x3x3");
        DigitCnn.FlattenedSize(new ModelConfig()).Should().Be(1152);
    }

    [Fact]
    public void Forward_is_the_layers_in_order_in_training_and_in_inference_and_leaves_the_input_alone()
    {
        using var model = new DigitCnn(new ModelConfig { ConvDropout = 0, FcDropout = 0 });
        using var scope = NewDisposeScope();
        var input = randn(3, 1, 28, 28);

        model.train();
        var logits = model.forward(input);
        logits.sum().backward();
        var gradients = model.parameters().Select(p => p.grad!.clone()).ToList();
        model.zero_grad();

        var reference = LayerByLayer(model, input);
        reference.sum().backward();

        input.IsInvalid.Should().BeFalse();
        Identical(logits, reference).Should().BeTrue();
        model.parameters().Select(p => p.grad!).Zip(gradients).Should().OnlyContain(g => Identical(g.First, g.Second));

        model.eval();
        using (inference_mode())
        {
            Identical(model.forward(input), LayerByLayer(model, input)).Should().BeTrue();
        }
    }

    [Fact]
    public void Channels_last_view_gives_the_NCHW_logits_for_every_batch_of_a_larger_tensor()
    {
        using var model = new DigitCnn(new ModelConfig { Channels = [8, 16, 24], Hidden = [32, 16] });
        model.eval();
        using var _ = inference_mode();
        using var scope = NewDisposeScope();
        var all = randn(6, 1, 28, 28);

        for (var start = 0; start < 6; start += 3)
        {
            var batch = all.narrow(0, start, 3);
            var view = DigitCnn.ChannelsLastView(batch);
            view.stride().Should().Equal(784, 1, 28, 1);
            view.eq(batch).all().item<bool>().Should().BeTrue("the view must start at the batch, not at the storage's start");

            // A non-contiguous batch is left as NCHW: the reference layout.
            var nchw = cat([batch, zeros(3, 1, 28, 1)], 3).narrow(3, 0, 28);
            DigitCnn.ChannelsLastView(nchw).stride().Should().Equal(nchw.stride());
            var difference = (model.forward(batch) - model.forward(nchw)).abs().max().item<float>();
            difference.Should().BeLessThan(1e-4f);
        }
    }

    [Fact]
    public void BatchNorm_off_removes_the_bn_layers_and_their_parameters()
    {
        var config = new ModelConfig { BatchNorm = false };
        using var model = new DigitCnn(config);

        model.named_children().Select(c => c.name).Should().NotContain(n => n.StartsWith("bn", StringComparison.Ordinal));
        model.named_buffers().Should().BeEmpty();
        // 455,754 minus weight and bias of 32 + 64 + 128 BN channels.
        model.TrainableParameterCount().Should().Be(455_754 - 2 * (32 + 64 + 128)).And.Be(455_306);
        DigitCnn.CountParameters(config).Should().Be(455_306);
    }

    [Fact]
    public void A_custom_config_has_the_computed_count_and_works_on_other_image_sizes()
    {
        var config = new ModelConfig { Channels = [8, 16, 24], Hidden = [64, 32] };
        // conv 8*25+8 + 16*8*25+16 + 24*16*9+24 = 208 + 3216 + 3480; bn 2*(8+16+24) = 96;
        // fc 216*64+64 + 64*32+32 + 32*10+10 = 13888 + 2080 + 330.
        const long expected = 208 + 3216 + 3480 + 96 + 13888 + 2080 + 330;

        using var model = new DigitCnn(config);
        model.TrainableParameterCount().Should().Be(expected).And.Be(23_298);
        DigitCnn.CountParameters(config).Should().Be(expected);

        model.eval();
        using var _ = no_grad();
        using var input = randn(3, 1, 32, 20);
        using var output = model.forward(input);
        output.shape.Should().Equal(3, 10);
    }

    [Fact]
    public void Malformed_sizes_are_rejected()
    {
        var act = () => new DigitCnn(new ModelConfig { Channels = [8, 16] });
        act.Should().Throw<ArgumentException>().WithMessage("*Channels*");
    }

    [Fact]
    public void Versions_are_reported()
    {
        TorchInfo.TorchSharpVersion.Should().StartWith("0.107.0");
        TorchInfo.LibTorchVersion.Should().MatchRegex(@"^\d+\.\d+\.\d+");
        TorchInfo.Describe().Should().Contain("TorchSharp 0.107.0").And.Contain("libtorch ");
    }

    /// <summary>Same shape and bit-identical values.</summary>
    private static bool Identical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    /// <summary>The seeds' layer sequence applied module by module, keeping every activation.</summary>
    private static Tensor LayerByLayer(DigitCnn model, Tensor input)
    {
        var x = DigitCnn.ChannelsLastView(input);
        foreach (var (name, module) in model.named_children())
        {
            if (name == "fc1")
            {
                x = x.flatten(1);
            }

            x = ((nn.Module<Tensor, Tensor>)module).forward(x);
            if (name.StartsWith("bn", StringComparison.Ordinal) || name is "fc1" or "fc2")
            {
                x = nn.functional.relu(x);
            }
        }

        return x;
    }
}
