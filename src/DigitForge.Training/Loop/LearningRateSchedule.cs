using static TorchSharp.torch;

namespace DigitForge.Training.Loop;

/// <summary>
/// The configured learning-rate schedule over libtorch's schedulers: StepLR moves once per epoch,
/// OneCycleLR once per batch, so the trainer reports both events and each schedule uses the one it needs.
/// </summary>
internal sealed class LearningRateSchedule
{
    private readonly optim.lr_scheduler.LRScheduler scheduler;
    private readonly bool perBatch;

    private LearningRateSchedule(optim.lr_scheduler.LRScheduler scheduler, bool perBatch)
    {
        this.scheduler = scheduler;
        this.perBatch = perBatch;
    }

    public static LearningRateSchedule Create(optim.Optimizer optimizer, TrainConfig config, int batchesPerEpoch) => config.Schedule.Kind switch
    {
        ScheduleKind.Step => new(optim.lr_scheduler.StepLR(optimizer, config.Schedule.StepSize, config.Schedule.Gamma), perBatch: false),

        // Momentum is not cycled: Adam's betas stay as configured, so both optimizers behave alike.
        ScheduleKind.OneCycle => new(
            optim.lr_scheduler.OneCycleLR(
                optimizer,
                max_lr: config.LearningRate,
                total_steps: config.Epochs * batchesPerEpoch,
                pct_start: config.Schedule.WarmupFraction,
                cycle_momentum: false,
                div_factor: config.Schedule.DivFactor),
            perBatch: true),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config.Schedule.Kind, "Unknown schedule."),
    };

    public void BatchDone()
    {
        if (perBatch)
        {
            scheduler.step();
        }
    }

    public void EpochDone()
    {
        if (!perBatch)
        {
            scheduler.step();
        }
    }
}
