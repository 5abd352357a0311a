using System.Text.Encodings.Web;
using System.Text.Json;

namespace DigitForge.Scoring.Output;

/// <summary>
/// JSON Lines, one object per file: <c>{"path":…,"predicted":"7","confidence":0.998,"top":[{"label":"7","p":0.998},…]}</c>
/// or <c>{"path":…,"error":"…"}</c>.
/// </summary>
public sealed class JsonLinesResultWriter(Stream stream) : IResultWriter
{
    // Paths are written as they are (not \u-escaped): the file is data, never embedded in HTML.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly Utf8JsonWriter json = new(stream, Options);

    public void Write(ScoredImage row)
    {
        json.WriteStartObject();
        json.WriteString("path", row.Path);
        if (row.Prediction is not { } prediction)
        {
            json.WriteString("error", row.Error);
        }
        else
        {
            json.WriteString("predicted", prediction.Label);
            json.WriteNumber("confidence", prediction.Probability);
            json.WriteStartArray("top");
            foreach (var (label, probability) in row.Top)
            {
                json.WriteStartObject();
                json.WriteString("label", label);
                json.WriteNumber("p", probability);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.Flush();
        json.Reset();
        stream.Write(NewLine);
    }

    public void Flush() => stream.Flush();

    public void Dispose()
    {
        json.Dispose();
        stream.Dispose();
    }
}
