using System.CommandLine;
using DigitForge.Cli.Pipeline;
using DigitForge.Engine.Stages;

namespace DigitForge.Cli.Commands;

/// <summary><c>digitforge run STAGE</c>: runs one stage unless it is up to date.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var stage = new Argument<string>("stage") { Description = "Ingest, Preprocess, Train or Evaluate." };
        var force = new Option<bool>("--force") { Description = "Run even when up to date." };
        var command = new Command("run", "Run one pipeline stage (its upstream stages must have run).") { stage, force };
        command.SetAction(result => Guarded.Run(() =>
        {
            var paths = CommonOptions.Paths(result);
            var pipeline = MnistPipeline.Create(CommonOptions.LoadConfig(result, paths), paths);
            var name = pipeline.Find(result.GetValue(stage)!).Name;
            using var cancellation = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cancellation.Cancel();
            };
            pipeline.Run(name, result.GetValue(force), new TextStageLog(Console.Out, name), cancellation.Token);
            return ExitCodes.Success;
        }));
        return command;
    }
}
