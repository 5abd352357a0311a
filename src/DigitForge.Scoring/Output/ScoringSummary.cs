using DigitForge.Inference.Drift;

namespace DigitForge.Scoring.Output;

/// <summary>
/// Running totals over the rows of one output file: how many images were scored and failed, the count
/// per predicted label, the mean confidence and how many fell below the threshold, and the first few
/// failures for display. Constant memory whatever the number of rows.
/// </summary>
public sealed class ScoringSummary
{
    /// <summary>How many failures are kept for display; the rest are only counted (every one has its row).</summary>
    public const int ShownFailures = 10;

    /// <summary>How many skipped files are named in the summary; the rest are only counted.</summary>
    public const int ShownSkipped = 5;

    private readonly Dictionary<string, long> perLabel;
    private readonly Dictionary<string, int> labelIndex;
    private readonly PredictionProfileBuilder profile;
    private readonly List<ScoredImage> failures = [];
    private readonly List<string> skipped = [];
    private long skippedCount;
    private double confidenceSum;

    public ScoringSummary(IEnumerable<string> labels, double minConfidence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minConfidence);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minConfidence, 1);
        var ordered = labels.ToList();
        perLabel = ordered.ToDictionary(label => label, _ => 0L, StringComparer.Ordinal);
        labelIndex = ordered.Select((label, index) => (label, index)).ToDictionary(x => x.label, x => x.index, StringComparer.Ordinal);
        profile = new PredictionProfileBuilder(ordered.Count);
        MinConfidence = minConfidence;
    }

    public double MinConfidence { get; }

    public long Scored { get; private set; }

    public long Failed { get; private set; }

    public long Total => Scored + Failed;

    public long BelowMinConfidence { get; private set; }

    public double MeanConfidence => Scored == 0 ? 0 : confidenceSum / Scored;

    /// <summary>Images per predicted label, in the model's label order.</summary>
    public IReadOnlyDictionary<string, long> PerLabel => perLabel;

    public IReadOnlyList<ScoredImage> FirstFailures => failures;

    /// <summary>Files listed but not scored because they are not images by name (or hidden); they have no row.</summary>
    public long Skipped => Interlocked.Read(ref skippedCount);

    public IReadOnlyList<string> FirstSkipped
    {
        get
        {
            lock (skipped)
            {
                return [.. skipped];
            }
        }
    }

    /// <summary>Without --recursive: images (by name) in sub-folders, which were not listed, and how many sub-folders hold them.</summary>
    public long ImagesInSubFolders { get; set; }

    public int SubFoldersWithImages { get; set; }

    /// <summary>The scored images' label and confidence distribution, to compare with the model's test-set reference.</summary>
    public PredictionProfile Profile => profile.Build();

    /// <summary>Counts a skipped file; called from the listing's thread while rows are added on another.</summary>
    public void Skip(string path)
    {
        Interlocked.Increment(ref skippedCount);
        lock (skipped)
        {
            if (skipped.Count < ShownSkipped)
            {
                skipped.Add(path);
            }
        }
    }

    public void Add(ScoredImage row)
    {
        if (row.Prediction is not var (label, confidence))
        {
            Failed++;
            if (failures.Count < ShownFailures)
            {
                failures.Add(row);
            }

            return;
        }

        Scored++;
        perLabel[label] = perLabel.GetValueOrDefault(label) + 1;
        confidenceSum += confidence;
        BelowMinConfidence += confidence < MinConfidence ? 1 : 0;
        profile.Add(labelIndex[label], confidence);
    }
}
