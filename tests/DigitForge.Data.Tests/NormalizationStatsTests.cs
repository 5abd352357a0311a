namespace DigitForge.Data.Tests;

[Trait("Category", "Unit")]
public sealed class NormalizationStatsTests
{
    [Fact]
    public void Half_black_half_white_has_mean_and_std_one_half()
    {
        var stats = NormalizationStats.Compute(new LabelledImages([0, 255, 0, 255], [1], 2, 2));

        stats.Mean.Should().BeApproximately(0.5, 1e-12);
        stats.Std.Should().BeApproximately(0.5, 1e-12);
    }

    [Fact]
    public void Matches_the_population_formula_over_every_pixel_of_every_image()
    {
        byte[] pixels = [0, 51, 102, 255, 17, 0, 0, 200];
        var scaled = pixels.Select(p => p / 255.0).ToArray();
        var mean = scaled.Average();
        var std = Math.Sqrt(scaled.Select(v => (v - mean) * (v - mean)).Average());

        var stats = NormalizationStats.Compute(new LabelledImages(pixels, [3, 8], 2, 2));

        stats.Mean.Should().BeApproximately(mean, 1e-12);
        stats.Std.Should().BeApproximately(std, 1e-12);
        stats.Mean.Should().BeApproximately(0.306373, 1e-6);
    }

    [Fact]
    public void Uniform_images_have_zero_std()
    {
        var stats = NormalizationStats.Compute(new LabelledImages([9, 9, 9, 9], [0, 1], 1, 2));

        stats.Mean.Should().BeApproximately(9 / 255.0, 1e-12);
        stats.Std.Should().BeLessThan(1e-6);
    }
}
