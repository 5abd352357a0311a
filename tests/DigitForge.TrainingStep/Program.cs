using System.Security.Cryptography;
using DigitForge.Training;
using DigitForge.Training.Model;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// Two SGD steps of the default recipe's network (batch norm, dropout, label smoothing) on seeded data, with the
// portable kernels; prints the SHA-256 of the weights. Adam is left out: under qemu its updates already differ
// from any real CPU's (qemu's arithmetic, not the kernels'; docs/reproducibility.md).
TorchKernels.Use(KernelSet.Portable);
torch.set_num_threads(2);
torch.manual_seed(42);
using var model = new DigitCnn(new ModelConfig { Channels = [16, 32, 64], Hidden = [256, 128] });
using var optimizer = optim.SGD(model.parameters(), 0.01, momentum: 0.9);
using var images = randn(128, 1, 28, 28);
using var labels = randint(0, DigitCnn.Classes, 128, ScalarType.Int64);
model.train();
for (var step = 0; step < 2; step++)
{
    using var scope = NewDisposeScope();
    optimizer.zero_grad();
    F.cross_entropy(model.forward(images), labels, label_smoothing: 0.1).backward();
    optimizer.step();
}

using var weights = new MemoryStream();
using (var writer = new BinaryWriter(weights, System.Text.Encoding.UTF8, leaveOpen: true))
{
    model.save(writer);
}

Console.WriteLine(Convert.ToHexStringLower(SHA256.HashData(weights.ToArray())));
return 0;
