using DigitForge.Evaluation.Metrics;

namespace DigitForge.Evaluation.Tests.Metrics;

[Trait("Category", "Unit")]
public sealed class TestPredictionsTests
{
    [Fact]
    public void Logits_round_trip_bit_for_bit()
    {
        using var temp = new TempDirectory();
        float[] logits = [1.5f, -0f, float.Epsilon, 3.4028235e38f, -2.25f, 0.1f];

        TestPredictions.WriteLogits(temp.File("logits.bin"), logits);

        TestPredictions.ReadLogits(temp.File("logits.bin"), count: 3, classes: 2)
            .Select(BitConverter.SingleToInt32Bits)
            .Should().Equal(logits.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void A_logits_file_of_the_wrong_size_is_an_error_naming_it()
    {
        using var temp = new TempDirectory();
        TestPredictions.WriteLogits(temp.File("logits.bin"), [1f, 2f, 3f]);

        var act = () => TestPredictions.ReadLogits(temp.File("logits.bin"), count: 2, classes: 2);

        act.Should().Throw<InvalidDataException>().WithMessage("*logits.bin: expected 2 x 2 float32 logits (16 bytes), found 12 bytes");
    }

    [Fact]
    public void Csv_has_one_row_per_image_with_the_arg_max_and_its_softmax()
    {
        using var temp = new TempDirectory();

        TestPredictions.WriteCsv(temp.File("p.csv"), [0f, 0f, 2f, 1f], [1, 0], classes: 2);

        File.ReadAllLines(temp.File("p.csv")).Should().Equal(
            TestPredictions.CsvHeader,
            "0,1,0,0.5",
            "1,0,0,0.731059");
    }
}
