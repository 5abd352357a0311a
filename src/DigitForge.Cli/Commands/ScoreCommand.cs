using System.CommandLine;
using DigitForge.Engine.Config;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Platform;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge score</c>: new inputs scored with a version of the pipeline's registry (production by default), by
/// the scorer the pipeline declares (<see cref="IPipelineDefinition.Scorer"/>): one verb for every pipeline. A scorer
/// refuses the options it has no use for; the exit codes are the same for every pipeline (docs/exit-codes.md).
/// </summary>
public static class ScoreCommand
{
    public static Command Create()
    {
        var input = new Option<string?>("--input")
        {
            Description = "What to score, relative to --root: "
                + string.Join("; ", PipelineCatalog.BuiltIn.Where(p => p.Scorer is not null).Select(p => $"{p.Name}: {p.Scorer!.InputDescription}")) + ".",
        };
        var latest = new Option<int?>("--latest") { Description = "Score the newest N items of the pipeline's live source instead of --input, where its scorer has one." };
        var output = new Option<string>("--out") { Description = "Where the predictions go (.csv or .jsonl), relative to --root.", DefaultValueFactory = _ => "predictions.csv" };
        var model = new Option<string>("--model") { Description = "Model version (7, v0007, v0007-3fa2c1d or production).", DefaultValueFactory = _ => "production" };
        var recursive = new Option<bool>("--recursive") { Description = "Score sub-folders too." };
        var resume = new Option<bool>("--resume") { Description = "Continue an existing output file, skipping the inputs it has rows for." };
        var raw = new Option<bool>("--raw") { Description = "Inputs are already in the model's form: no preprocessing." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an existing output file." };
        var failOnDrift = new Option<bool>("--fail-on-drift") { Description = "Exit with code 5 when the inputs drifted from the model's test set." };
        var allFiles = new Option<bool>("--all-files") { Description = "Score every file whatever its extension (they get error rows when unreadable)." };
        var precision = new Option<string?>("--precision") { Description = "int8 or fp32: which of a version's models scores (default: the scorer's)." };
        var log = new Option<bool>("--log") { Description = "Record each prediction (id, time, model version, content hash, prediction) in the pipeline's prediction log: DIGITFORGE_MONITOR (postgres://...) or artifacts/<pipeline>/monitor.db." };
        var command = new Command("score", "Score new inputs with the pipeline's production model (or --model), by the scorer the pipeline declares.")
        {
            input, latest, output, model, recursive, resume, raw, overwrite, failOnDrift, allFiles, precision, log,
        };
        command.SetAction(result => Guarded.Run(() =>
        {
            var definition = CommonOptions.Definition(result);
            var scorer = definition.Scorer ?? throw new ConfigException($"pipeline {definition.Name} declares no scorer, so there is nothing to score with");
            var paths = CommonOptions.Paths(result);
            var request = new ScoreRequest
            {
                Input = result.GetValue(input) is { } given ? Path.GetFullPath(given, paths.Root) : null,
                Latest = result.GetValue(latest),
                Output = Path.GetFullPath(result.GetValue(output)!, paths.Root),
                Model = result.GetValue(model)!,
                Recursive = result.GetValue(recursive),
                Resume = result.GetValue(resume),
                Raw = result.GetValue(raw),
                Overwrite = result.GetValue(overwrite),
                FailOnDrift = result.GetValue(failOnDrift),
                AllFiles = result.GetValue(allFiles),
                Precision = result.GetValue(precision),
                Record = result.GetValue(log),
                Paths = paths,
                ConfigFile = CommonOptions.ConfigFile(result, paths),
                Overrides = [.. CommonOptions.Overrides(result)],
                Log = Console.Out,
            };

            using var cancellation = new ConsoleCancellation();
            return scorer.Score(request, cancellation.Token) switch
            {
                ScoreOutcome.Scored => ExitCodes.Success,
                ScoreOutcome.CompletedWithFailures => ExitCodes.CompletedWithFailures,
                ScoreOutcome.Drifted => ExitCodes.Drifted,
                _ => ExitCodes.Cancelled,
            };
        }));
        return command;
    }
}
