namespace DigitForge.Serve;

/// <summary>
/// The last <c>size</c> outcomes of one model version as per-prediction scores (1 or 0 for a right or wrong label, the
/// absolute error of a value), in a ring buffer with their running sum: the live accuracy or MAE is the mean.
/// Not thread-safe: the caller locks.
/// </summary>
internal sealed class OutcomeWindow(int size)
{
    private readonly double[] ring = new double[size];
    private long added;
    private double sum;

    public int Count => (int)Math.Min(added, ring.Length);

    public double Mean => Count == 0 ? double.NaN : sum / Count;

    public void Add(double score)
    {
        var slot = (int)(added % ring.Length);
        if (added >= ring.Length)
        {
            sum -= ring[slot];
        }

        ring[slot] = score;
        sum += score;
        added++;
    }
}
