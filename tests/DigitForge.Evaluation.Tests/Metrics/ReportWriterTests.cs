using System.Globalization;
using DigitForge.Evaluation.Metrics;
using Newtonsoft.Json;
using static DigitForge.Evaluation.Tests.Metrics.Cases;

namespace DigitForge.Evaluation.Tests.Metrics;

[Trait("Category", "Unit")]
public class ReportWriterTests
{
    private static ClassificationReport Computed()
    {
        var (logits, labels) = SevenExamples();
        // Uneven confidences so the doubles are not all short decimals.
        for (var i = 0; i < logits.Length; i++)
            logits[i] += i * 0.37f;
        return ClassificationMetrics.Compute(logits, labels, Classes);
    }

    private static ClassificationReport Tiny() => new(
        Count: 2,
        Classes: 2,
        Accuracy: 0.5,
        Loss: 0.25,
        ExpectedCalibrationError: 0.125,
        LowestRecall: 0,
        LowestRecallLabel: 1,
        PerClass: [new ClassMetrics(0, 0.5, 1, 2.0 / 3, 1, 2), new ClassMetrics(1, 0, 0, 0, 1, 0)],
        MacroAverage: new AverageMetrics(0.25, 0.5, 1.0 / 3),
        WeightedAverage: new AverageMetrics(0.25, 0.5, 1.0 / 3),
        ConfusionMatrix: [[1, 0], [1, 0]],
        CalibrationBins: [new CalibrationBin(0, 0.5, 0, 0, 0), new CalibrationBin(0.5, 1, 2, 0.75, 0.5)],
        MostConfidentWrong: [new WrongPrediction(1, 1, 0, 0.75)]);

    [Fact]
    public void Json_has_camel_case_names_in_a_fixed_order()
    {
        var json = ReportWriter.Serialize(Tiny());

        json.Should().Be(
            """
            {
              "count": 2,
              "classes": 2,
              "accuracy": 0.5,
              "loss": 0.25,
              "expectedCalibrationError": 0.125,
              "lowestRecall": 0.0,
              "lowestRecallLabel": 1,
              "perClass": [
                {
                  "label": 0,
                  "precision": 0.5,
                  "recall": 1.0,
                  "f1": 0.6666666666666666,
                  "support": 1,
                  "predictedCount": 2
                },
                {
                  "label": 1,
                  "precision": 0.0,
                  "recall": 0.0,
                  "f1": 0.0,
                  "support": 1,
                  "predictedCount": 0
                }
              ],
              "macroAverage": {
                "precision": 0.25,
                "recall": 0.5,
                "f1": 0.3333333333333333
              },
              "weightedAverage": {
                "precision": 0.25,
                "recall": 0.5,
                "f1": 0.3333333333333333
              },
              "confusionMatrix": [
                [
                  1,
                  0
                ],
                [
                  1,
                  0
                ]
              ],
              "calibrationBins": [
                {
                  "lower": 0.0,
                  "upper": 0.5,
                  "count": 0,
                  "meanConfidence": 0.0,
                  "accuracy": 0.0
                },
                {
                  "lower": 0.5,
                  "upper": 1.0,
                  "count": 2,
                  "meanConfidence": 0.75,
                  "accuracy": 0.5
                }
              ],
              "mostConfidentWrong": [
                {
                  "index": 1,
                  "trueLabel": 1,
                  "predictedLabel": 0,
                  "confidence": 0.75
                }
              ]
            }

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Plain_newtonsoft_settings_give_the_same_names_and_order()
    {
        // Names and order are pinned on the records, so other writers (e.g. the engine's JsonFile) agree.
        var plain = JsonConvert.SerializeObject(Tiny(), Formatting.Indented).ReplaceLineEndings("\n") + "\n";

        plain.Should().Be(ReportWriter.Serialize(Tiny()));
    }

    [Fact]
    public void Json_round_trips_to_an_equivalent_report()
    {
        var report = Computed();

        var back = ReportWriter.Deserialize(ReportWriter.Serialize(report));

        back.Should().BeEquivalentTo(report, o => o.WithStrictOrdering());
        back.Loss.Should().Be(report.Loss); // doubles survive exactly, not approximately
        back.CalibrationBins[^1].Upper.Should().Be(1);
    }

    [Fact]
    public void Re_serialising_a_read_report_is_byte_identical()
    {
        var first = ReportWriter.Serialize(Computed());

        var second = ReportWriter.Serialize(ReportWriter.Deserialize(first));

        second.Should().Be(first);
    }

    [Fact]
    public void Writing_the_same_input_twice_gives_byte_identical_files()
    {
        using var temp = new TempDirectory();
        var (logits, labels) = SevenExamples();

        ReportWriter.Write(temp.File("a.json"), ClassificationMetrics.Compute(logits, labels, Classes));
        ReportWriter.Write(temp.File("b.json"), ClassificationMetrics.Compute(logits, labels, Classes));
        ReportWriter.Write(temp.File("c.json"), ReportWriter.Read(temp.File("a.json")));

        var a = File.ReadAllBytes(temp.File("a.json"));
        File.ReadAllBytes(temp.File("b.json")).Should().Equal(a);
        File.ReadAllBytes(temp.File("c.json")).Should().Equal(a);
        a.Take(3).Should().NotEqual(new byte[] { 0xEF, 0xBB, 0xBF }, "no BOM");
        a.Should().NotContain((byte)'\r');
        a[^1].Should().Be((byte)'\n');
        Directory.GetFiles(temp.Path).Should().HaveCount(3, "no temporary files are left behind");
    }

    [Fact]
    public void Output_does_not_depend_on_the_current_culture()
    {
        var report = Computed();
        var invariantJson = ReportWriter.Serialize(report);
        var invariantText = report.ToText();
        var commaDecimal = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        commaDecimal.NumberFormat.NumberDecimalSeparator = ",";
        commaDecimal.NumberFormat.NumberGroupSeparator = ".";

        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = commaDecimal;
            ReportWriter.Serialize(report).Should().Be(invariantJson);
            report.ToText().Should().Be(invariantText);
            ReportWriter.Deserialize(invariantJson).Should().BeEquivalentTo(report);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        invariantText.Should().Contain("0.").And.NotContain("0,");
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("""{ "count": 1, "surprise": true }""")]
    public void Malformed_json_is_an_invalid_data_error(string json)
    {
        var act = () => ReportWriter.Deserialize(json);

        act.Should().Throw<InvalidDataException>().WithMessage("Not a classification report*");
    }

    [Fact]
    public void Json_with_an_unknown_property_is_rejected()
    {
        var json = ReportWriter.Serialize(Tiny()).Replace("\"count\": 2,", "\"count\": 2, \"surprise\": true,", StringComparison.Ordinal);

        var act = () => ReportWriter.Deserialize(json);

        act.Should().Throw<InvalidDataException>().WithMessage("*surprise*");
    }

    [Fact]
    public void Json_whose_tables_do_not_match_the_class_count_is_rejected()
    {
        var json = ReportWriter.Serialize(Tiny() with { Classes = 3 });

        var act = () => ReportWriter.Deserialize(json);

        act.Should().Throw<InvalidDataException>().WithMessage("*sized by classes (3)*");
    }

    [Fact]
    public void Read_errors_name_the_file()
    {
        using var temp = new TempDirectory();
        var path = temp.File("metrics.json");
        File.WriteAllText(path, "{ broken");

        var act = () => ReportWriter.Read(path);

        act.Should().Throw<InvalidDataException>().WithMessage($"{path}: Not a classification report*");
    }
}
