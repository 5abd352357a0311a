using System.CommandLine;
using DigitForge.Cli.Pipelines;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.Registry.Store;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge verify [STAGE...]</c>: re-runs up-to-date stages in a scratch folder and checks
/// that they reproduce their recorded outputs bit for bit (default: every stage the model is made by).
/// <c>digitforge verify --model REF</c>: re-trains a registered version from the recipe in its
/// manifest and checks its weights and metrics the same way.
/// </summary>
public static class VerifyCommand
{
    public static Command Create()
    {
        var stages = new Argument<string[]>("stages") { Description = "Stages to verify (default: every stage the model is made by).", Arity = ArgumentArity.ZeroOrMore };
        var model = new Option<string?>("--model") { Description = "Re-train this registered version's recipe instead (7, v0007, v0007-3fa2c1d or production)." };
        var command = new Command("verify", "Re-run stages (or a model version's recipe) in a scratch folder and compare the outputs with the recorded hashes.") { stages, model };
        command.SetAction(result => Guarded.Run(() =>
        {
            var paths = CommonOptions.Paths(result);
            var names = result.GetValue(stages) ?? [];
            if (result.GetValue(model) is { } reference)
            {
                return names.Length == 0
                    ? VerifyVersion(CommonOptions.Definition(result), paths, reference)
                    : throw new ArgumentException($"verify takes stages or --model, not both (got {string.Join(' ', names)} and --model {reference})");
            }

            var pipeline = CommonOptions.Graph(result);
            var failed = false;
            foreach (var name in (names.Length > 0 ? names : DefaultStages(CommonOptions.Definition(result), pipeline)).Select(n => pipeline.Find(n).Name))
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

    // What makes the model: every stage its publishing stage reads from (all stages of a pipeline without one).
    private static string[] DefaultStages(IPipelineDefinition definition, StageGraph graph) => definition.PublishingStage is { } publishing
        ? [.. graph.Closure(StageNames.Of(publishing)).SkipLast(1).Select(s => s.Name)]
        : [.. graph.Stages.Select(s => s.Name)];

    private static int VerifyVersion(IPipelineDefinition definition, PipelinePaths paths, string reference)
    {
        var store = new ModelStore(paths.Models);
        var registry = new Registry.ModelRegistry(store);
        var version = store.Get(registry.GetStored(ModelsCommand.Resolve(registry, reference)).Version);
        store.EnsureIntact(version);
        Console.WriteLine($"{version.Name}: re-training its recorded recipe in a scratch folder, without the stage cache");
        var verdict = VersionReproducer.Run(definition, version, store.ReadManifest(version), paths, stage => new TextStageLog(Console.Out, stage));
        foreach (var change in verdict.ChangedSinceRecorded)
        {
            Console.WriteLine($"{version.Name}: not as recorded: {change}");
        }

        Console.WriteLine(verdict.Reproduced
            ? $"{version.Name}: reproduced: {string.Join(", ", verdict.Compared)} identical"
            : $"{version.Name}: NOT reproduced: {string.Join("; ", verdict.Differences)}"
              + (verdict.ChangedSinceRecorded.Count == 0 ? " (with the same code, config, data and environment as recorded)" : string.Empty));
        return verdict.Reproduced ? ExitCodes.Success : ExitCodes.Failure;
    }
}
