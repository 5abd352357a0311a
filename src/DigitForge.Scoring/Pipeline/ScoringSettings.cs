namespace DigitForge.Scoring.Pipeline;

/// <summary>How images are scored: batch size, threads, labels per row and input limits.</summary>
public sealed record ScoringSettings
{
    /// <summary>25 megapixels: a 6000x4000 photo fits; a decompression bomb's header does not.</summary>
    public const long DefaultMaxPixels = 25_000_000;

    /// <summary>Larger files are rejected unread.</summary>
    public const long DefaultMaxFileBytes = 256L << 20;

    public int BatchSize { get; init; } = 256;

    /// <summary>Worker threads, each with its own single-threaded ONNX Runtime session.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    public int TopK { get; init; } = 3;

    public long MaxPixels { get; init; } = DefaultMaxPixels;

    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>MNIST-style preprocessing (on) or the image as is, only greyed and resized (off).</summary>
    public bool Preprocess { get; init; } = true;

    /// <summary>Give each scored row the SHA-256 of its file (<see cref="Output.ScoredImage.InputHash"/>), for the prediction log.</summary>
    public bool HashInputs { get; init; }

    public void Validate()
    {
        Check(BatchSize is >= 1 and <= 65536, $"--batch {BatchSize}: expected 1 to 65536");
        Check(Threads is >= 1 and <= 1024, $"--threads {Threads}: expected 1 to 1024");
        Check(TopK >= 1, $"--top-k {TopK}: expected at least 1");
        Check(MaxPixels >= 1, $"--max-pixels {MaxPixels}: expected at least 1");
    }

    private static void Check(bool valid, string problem)
    {
        if (!valid)
        {
            throw new ScoringSetupException(SetupProblem.Usage, problem);
        }
    }
}
