using System.Globalization;
using System.Text;

namespace DigitForge.Scoring.Output;

/// <summary>
/// CSV (RFC 4180, UTF-8, '\n' line ends): <c>path,predicted,confidence,top1,p1,...,topK,pK,error</c>.
/// A scored row leaves <c>error</c> empty; an error row leaves every other column but the path empty.
/// Probabilities are written as the shortest text that reads back to the same float.
/// </summary>
public sealed class CsvResultWriter : IResultWriter
{
    private readonly StreamWriter writer;
    private readonly int topK;
    private readonly StringBuilder line = new();

    public CsvResultWriter(Stream stream, int topK, bool writeHeader)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        this.topK = topK;
        if (writeHeader)
        {
            writer.WriteLine(Header(topK));
        }
    }

    public static string Header(int topK) =>
        string.Join(',', ["path", "predicted", "confidence", .. Enumerable.Range(1, topK).SelectMany(k => new[] { $"top{k}", $"p{k}" }), "error"]);

    public void Write(ScoredImage row)
    {
        line.Clear();
        Field(row.Path);
        if (row.Prediction is not { } prediction)
        {
            line.Append(',', 2 + (2 * topK));
            line.Append(',');
            Field(row.Error!);
        }
        else
        {
            line.Append(',');
            Field(prediction.Label);
            line.Append(',');
            AppendNumber(prediction.Probability);
            for (var k = 0; k < topK; k++)
            {
                line.Append(',');
                if (k < row.Top.Count)
                {
                    Field(row.Top[k].Label);
                    line.Append(',');
                    AppendNumber(row.Top[k].Probability);
                }
                else
                {
                    line.Append(',');
                }
            }

            line.Append(',');
        }

        writer.WriteLine(line);
    }

    public void Flush() => writer.Flush();

    public void Dispose() => writer.Dispose();

    // Formatted straight into the line: no string per number.
    private void AppendNumber(float value) => line.Append(CultureInfo.InvariantCulture, $"{value:R}");

    private void Field(string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            line.Append(value);
            return;
        }

        line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
