using System.CommandLine;
using DigitForge.Cli.Pipeline;
using DigitForge.Engine.Config;
using DigitForge.Engine.Stages;

namespace DigitForge.Cli.Commands;

/// <summary><c>digitforge run STAGE</c>: runs one stage unless it is up to date.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var stage = new Argument<string>("stage") { Description = "Ingest, Preprocess, Train, Evaluate or Promote." };
        var rerun = new Option<bool>("--rerun") { Description = "Run even when up to date." };
        var force = new Option<bool>("--force") { Description = "Promote only: make the model production even if the quality gate rejects it (recorded in the registry). Implies --rerun." };
        var command = new Command("run", "Run one pipeline stage (its upstream stages must have run).") { stage, rerun, force };
        command.SetAction(result => Guarded.Run(() =>
        {
            var paths = CommonOptions.Paths(result);
            var forced = result.GetValue(force);
            var pipeline = MnistPipeline.Create(CommonOptions.LoadConfig(result, paths), paths, forced);
            var name = pipeline.Find(result.GetValue(stage)!).Name;
            if (forced && name != "Promote")
            {
                throw new ConfigException($"--force overrides the quality gate and applies to Promote only, not {name}; use --rerun to run {name} again");
            }

            using var cancellation = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cancellation.Cancel();
            };
            LiveStageLog.Run(name, log => pipeline.Run(name, result.GetValue(rerun) || forced, log, cancellation.Token));
            return ExitCodes.Success;
        }));
        return command;
    }
}
