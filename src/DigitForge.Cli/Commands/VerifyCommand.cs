using System.CommandLine;
using DigitForge.Cli.Pipeline;
using DigitForge.Engine.Stages;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge verify [STAGE...]</c>: re-runs up-to-date stages in a scratch folder and checks
/// that they reproduce their recorded outputs bit for bit (default: Train and Evaluate).
/// </summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var stages = new Argument<string[]>("stages") { Description = "Stages to verify (default: Train Evaluate).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("verify", "Re-run stages in a scratch folder and compare their outputs with the recorded hashes.") { stages };
        command.SetAction(result => Guarded.Run(() =>
        {
            var paths = CommonOptions.Paths(result);
            var pipeline = MnistPipeline.Create(CommonOptions.LoadConfig(result, paths), paths);
            var names = result.GetValue(stages) is { Length: > 0 } given ? given : ["Train", "Evaluate"];
            var failed = false;
            foreach (var name in names.Select(n => pipeline.Find(n).Name))
            {
                var verdict = pipeline.Verify(name, new TextStageLog(Console.Out, name));
                Console.WriteLine(verdict.Reproduced
                    ? $"{name}: reproduced ({verdict.Fingerprint[..7]}): {string.Join(", ", verdict.Compared)} identical"
                    : $"{name}: NOT reproduced ({verdict.Fingerprint[..7]}): {string.Join("; ", verdict.Differences)}");
                failed |= !verdict.Reproduced;
            }

            return failed ? ExitCodes.Failure : ExitCodes.Success;
        }));
        return command;
    }
}
