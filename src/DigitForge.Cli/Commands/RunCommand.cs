using System.Diagnostics;
using System.CommandLine;
using DigitForge.Engine.Config;
using DigitForge.Engine.Diagnostics;
using DigitForge.Engine.History;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Registry.Gate;

namespace DigitForge.Cli.Commands;

/// <summary><c>digitforge run STAGE</c>: runs one stage unless it is up to date.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var stage = new Argument<string>("stage") { Description = "The stage to run (see digitforge graph)." };
        var rerun = new Option<bool>("--rerun") { Description = "Run even when up to date." };
        var force = new Option<bool>("--force") { Description = "Promote only: make the model production even if the quality gate rejects it (recorded in the registry). Implies --rerun." };
        var requirePromotion = new Option<bool>("--require-promotion") { Description = "The stage that promotes models fails (exit 7) when the quality gate keeps the model out of production." };
        var command = new Command("run", "Run one pipeline stage (its upstream stages must have run).") { stage, rerun, force, requirePromotion };
        command.SetAction(result => Guarded.Run(() =>
        {
            EndWithInput();
            var forced = result.GetValue(force);
            var pipeline = CommonOptions.Graph(result, forced);
            var name = pipeline.Find(result.GetValue(stage)!).Name;
            if (forced && CommonOptions.Definition(result).PublishingStage is var publishing && (publishing is null || name != StageNames.Of(publishing)))
            {
                throw new ConfigException($"--force overrides the quality gate and applies to the stage that promotes models only, not {name}; use --rerun to run {name} again");
            }

            using var cancellation = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cancellation.Cancel();
            };
            // Before the stage runs: a version Promote stores names the run that made it.
            var (runId, own) = RunId.Current();
            StageRunResult? run = null;
            LiveStageLog.Run(name, log => run = pipeline.Run(name, result.GetValue(rerun) || forced, log, cancellation.Token));
            RunRecorder.StageRun(result, pipeline, runId, own, run!);
            FaultPoints.Hit(FaultPoints.RunAfterStage, name);
            var decision = Path.Combine(pipeline.Store.DirectoryOf(name), PromotionDecision.FileName);
            if (result.GetValue(requirePromotion) && File.Exists(decision) && JsonFile.Read<PromotionDecision>(decision) is { InProduction: false } kept)
            {
                Console.Error.WriteLine($"error: --require-promotion: {kept.Version} was not promoted ({kept.Outcome}: {string.Join("; ", kept.Reasons)})");
                return ExitCodes.NotPromoted;
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    // A sweep's stage process ends when its standard input closes, as it does when the sweep is killed:
    // otherwise it would train on, orphaned, into a member folder the sweep run again builds anew.
    private static void EndWithInput()
    {
        if (Environment.GetEnvironmentVariable(SweepRunner.ExitWithInputVariable) != "1")
        {
            return;
        }

        new Thread(() =>
        {
            while (Console.In.Read() >= 0)
            {
            }

            Process.GetCurrentProcess().Kill();
        })
        { IsBackground = true, Name = "sweep watch" }.Start();
    }
}
