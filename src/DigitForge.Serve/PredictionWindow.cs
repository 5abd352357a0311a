using DigitForge.Inference.Drift;

namespace DigitForge.Serve;

/// <summary>
/// The last <c>size</c> predictions of one model as label and confidence-bin counts (a ring buffer, so
/// constant memory), compared with the model's test-set reference as <c>digitforge-score --fail-on-drift</c> does.
/// Not thread-safe: the caller locks.
/// </summary>
internal sealed class PredictionWindow(int size, PredictionProfile reference)
{
    private readonly (int Label, int Bin)[] ring = new (int, int)[size];
    private readonly long[] labels = new long[reference.LabelShares.Count];
    private readonly long[] bins = new long[PredictionProfile.ConfidenceEdges.Count - 1];
    private long added;

    public int Count => (int)Math.Min(added, ring.Length);

    public void Add(int label, double confidence)
    {
        var slot = (int)(added % ring.Length);
        if (added >= ring.Length)
        {
            labels[ring[slot].Label]--;
            bins[ring[slot].Bin]--;
        }

        var bin = PredictionProfile.ConfidenceBin(confidence);
        ring[slot] = (label, bin);
        labels[label]++;
        bins[bin]++;
        added++;
    }

    public DriftCheck Check()
    {
        var count = Count;
        var observed = new PredictionProfile(count, Shares(labels, count), Shares(bins, count));
        return DriftCheck.Compare(reference, observed);
    }

    private static double[] Shares(long[] counts, int total) => [.. counts.Select(c => total == 0 ? 0 : (double)c / total)];
}
