namespace DigitForge.Scoring.Output;

public enum ResultFormat
{
    Csv,
    JsonLines,
}

public static class ResultFormats
{
    /// <summary>The format an output path asks for by its extension: .csv, or .jsonl / .ndjson.</summary>
    public static ResultFormat FromPath(string path) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => ResultFormat.Csv,
            ".jsonl" or ".ndjson" => ResultFormat.JsonLines,
            _ => throw new ScoringSetupException(SetupProblem.Usage, $"--out '{path}': the file name must end in .csv or .jsonl"),
        };

    public static IResultWriter CreateWriter(ResultFormat format, Stream stream, int topK, bool writeHeader) =>
        format == ResultFormat.Csv ? new CsvResultWriter(stream, topK, writeHeader) : new JsonLinesResultWriter(stream);
}
