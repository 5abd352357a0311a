using System.Diagnostics;

namespace DigitForge.Training.Loop;

/// <summary>
/// Where one epoch's wall time went, in seconds, measured on the training thread. libtorch's CPU
/// operations return only when done, so each operation's time lands in the phase that called it.
/// </summary>
/// <param name="Batch">Selecting the batch's images and labels, and augmenting them.</param>
/// <param name="Forward">Clearing the gradients, the forward pass and the loss.</param>
/// <param name="Backward">Back-propagation.</param>
/// <param name="OptimizerStep">The optimiser's update of the weights.</param>
/// <param name="Bookkeeping">Reading the batch's loss and correct count, and freeing its tensors.</param>
/// <param name="Validation">The validation pass after the epoch (not part of the images/s figure).</param>
public sealed record EpochPhases(double Batch, double Forward, double Backward, double OptimizerStep, double Bookkeeping, double Validation);

/// <summary>The phases of one training step, in the order they run.</summary>
public enum StepPhase
{
    Batch,
    Forward,
    Backward,
    OptimizerStep,
    Bookkeeping,
}

/// <summary>Adds the time since the previous lap to a phase; costs two timestamp reads per lap.</summary>
public sealed class PhaseClock
{
    private readonly double[] seconds = new double[Enum.GetValues<StepPhase>().Length];
    private long last = Stopwatch.GetTimestamp();

    public void Lap(StepPhase phase)
    {
        var now = Stopwatch.GetTimestamp();
        seconds[(int)phase] += Stopwatch.GetElapsedTime(last, now).TotalSeconds;
        last = now;
    }

    public EpochPhases ToPhases(double validationSeconds) => new(
        seconds[(int)StepPhase.Batch],
        seconds[(int)StepPhase.Forward],
        seconds[(int)StepPhase.Backward],
        seconds[(int)StepPhase.OptimizerStep],
        seconds[(int)StepPhase.Bookkeeping],
        validationSeconds);
}
