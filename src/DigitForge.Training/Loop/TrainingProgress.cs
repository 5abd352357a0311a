using System.Globalization;

namespace DigitForge.Training.Loop;

/// <summary>Where a training run is after a batch: epoch and batch, the epoch's running loss, and an estimate of the time left.</summary>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double EpochLoss, TimeSpan Elapsed)
{
    /// <summary>Batches done over all batches of all planned epochs (early stopping may end sooner).</summary>
    public double Fraction => ((Epoch - 1) * (double)Batches + Batch) / ((double)Epochs * Batches);

    /// <summary>The time so far scaled to the batches left (validation time included, as it recurs every epoch).</summary>
    public TimeSpan Remaining => Fraction <= 0 ? TimeSpan.Zero : Elapsed / Fraction - Elapsed;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"epoch {Epoch}/{Epochs} batch {Batch}/{Batches}  loss {EpochLoss:F4}  {Fraction:P0} done, about {Remaining:h\\:mm\\:ss} left");
}
