using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using DigitForge.Engine.Storage;

namespace DigitForge.Evaluation.Metrics;

/// <summary>
/// Evaluate's per-image results: <c>logits.bin</c> (the exact float32 logits, little-endian,
/// row-major images × classes, so exports can be checked against them bit for bit) and
/// <c>predictions.csv</c> (index in the test split, true label, predicted label, confidence).
/// </summary>
public static class TestPredictions
{
    public const string LogitsFile = "logits.bin";
    public const string CsvFile = "predictions.csv";
    public const string CsvHeader = "index,label,predicted,confidence";

    public static void WriteLogits(string path, ReadOnlySpan<float> logits)
    {
        var bytes = new byte[checked(logits.Length * sizeof(float))];
        for (var i = 0; i < logits.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), logits[i]);
        }

        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>Reads logits written by <see cref="WriteLogits"/>, checking there are exactly <paramref name="count"/> rows of <paramref name="classes"/>.</summary>
    public static float[] ReadLogits(string path, int count, int classes)
    {
        var bytes = File.ReadAllBytes(path);
        var expected = (long)count * classes * sizeof(float);
        if (bytes.Length != expected)
        {
            throw new InvalidDataException($"{path}: expected {count} x {classes} float32 logits ({expected} bytes), found {bytes.Length} bytes");
        }

        var logits = new float[count * classes];
        for (var i = 0; i < logits.Length; i++)
        {
            logits[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return logits;
    }

    public static void WriteCsv(string path, ReadOnlySpan<float> logits, ReadOnlySpan<byte> labels, int classes)
    {
        var csv = new StringBuilder(CsvHeader).Append('\n');
        for (var i = 0; i < labels.Length; i++)
        {
            var row = logits.Slice(i * classes, classes);
            var predicted = ClassificationMetrics.ArgMax(row);
            var sum = 0.0;
            foreach (var logit in row)
            {
                sum += Math.Exp(logit - row[predicted]);
            }

            csv.Append(CultureInfo.InvariantCulture, $"{i},{labels[i]},{predicted},{1 / sum:0.######}\n");
        }

        AtomicFile.WriteAllText(path, csv.ToString());
    }
}
