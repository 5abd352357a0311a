using System.CommandLine;
using DigitForge.Registry.Store;
using DigitForge.Scoring;
using DigitForge.Scoring.Listing;
using DigitForge.Scoring.Pipeline;

namespace DigitForge.ScoreTool;

/// <summary><c>digitforge-score FOLDER [options]</c>: the command line, mapped onto a <see cref="ScoringRequest"/>.</summary>
public static class ScoreCommand
{
    private static readonly Argument<string> Folder = new("folder")
    {
        Description = "Folder of images to score (PNG, JPEG, BMP, GIF, recognised by content; files whose extension is not an image's are skipped and counted).",
    };

    private static readonly Option<string> Model = new("--model", "-m")
    {
        Description = "'production' (the registry's production version), a version such as v3, or a path to an .onnx file.",
        DefaultValueFactory = _ => "production",
    };

    private static readonly Option<string> Precision = new("--precision")
    {
        Description = "int8 or fp32: which of a registry version's models scores. Default: int8 when the version has an accepted int8 model, else fp32; int8 on a version without one is an error (exit 2). Every version's model is checked against its golden set on load: a default int8 that fails gives way to fp32; a named int8, or fp32, that fails is an error (exit 10).",
    };

    private static readonly Option<string> ModelsRoot = new("--models-root")
    {
        Description = "Model registry folder (holds registry.json).",
        DefaultValueFactory = _ => Path.Combine("artifacts", "models"),
    };

    private static readonly Option<string> Out = new("--out", "-o")
    {
        Description = "Output file, .csv or .jsonl; rows are written as they are scored. A summary goes to <out>.run.json.",
        DefaultValueFactory = _ => "predictions.csv",
    };

    private static readonly Option<bool> Recursive = new("--recursive", "-r") { Description = "Score sub-folders too." };

    private static readonly Option<bool> AllFiles = new("--all-files")
    {
        Description = "Score every file whatever its extension (labels.csv, README ... then get error rows); hidden files are still skipped.",
    };

    private static readonly Option<int> TopK = new("--top-k", "-k") { Description = "Labels (with probabilities) per row.", DefaultValueFactory = _ => 3 };

    private static readonly Option<int> Batch = new("--batch") { Description = "Images per model run.", DefaultValueFactory = _ => 256 };

    private static readonly Option<int> Threads = new("--threads")
    {
        Description = "Worker threads, each reading, decoding and scoring its own batch with a single-threaded ONNX Runtime session (default: the number of cores).",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    private static readonly Option<bool> Raw = new("--raw")
    {
        Description = "Turn MNIST-style preprocessing off: the input is already MNIST-like (white digit on black); only grey it and resize to 28x28.",
    };

    private static readonly Option<double> MinConfidence = new("--min-confidence")
    {
        Description = "The summary counts predictions below this confidence.",
        DefaultValueFactory = _ => 0.8,
    };

    private static readonly Option<string> ShardOption = new("--shard") { Description = "Score only shard i of n (e.g. 2/4): n jobs split a folder with no overlap." };

    private static readonly Option<bool> Resume = new("--resume") { Description = "Continue an existing output file, skipping the files it has rows for." };

    private static readonly Option<bool> Overwrite = new("--overwrite") { Description = "Replace an existing output file." };

    private static readonly Option<long> MaxPixels = new("--max-pixels")
    {
        Description = "Reject images whose header declares more pixels (decompression bombs), before decoding.",
        DefaultValueFactory = _ => ScoringSettings.DefaultMaxPixels,
    };

    private static readonly Option<double> DriftThreshold = new("--drift-threshold")
    {
        Description = "Population stability index (labels or confidences, against the model's test set) above which the folder counts as drifted.",
        DefaultValueFactory = _ => Inference.Drift.DriftCheck.DefaultThreshold,
    };

    private static readonly Option<bool> Log = new("--log")
    {
        Description = "Record every prediction (file path, time, model version, precision, content hash, label, confidence) in the pipeline's prediction log: DIGITFORGE_MONITOR (postgres://...) or monitor.db beside --models-root. Needs a registry model.",
    };

    private static readonly Option<bool> FailOnDrift = new("--fail-on-drift") { Description = "Exit with code 5 when the folder drifted (for CI to trigger retraining)." };

    public static RootCommand Create()
    {
        var command = new RootCommand("Score a folder of digit images offline with a DigitForge ONNX model.")
        {
            Folder, Model, Precision, ModelsRoot, Out, Recursive, AllFiles, TopK, Batch, Threads, Raw, MinConfidence, ShardOption, Resume, Overwrite, MaxPixels, DriftThreshold, FailOnDrift, Log,
        };
        command.Subcommands.Add(MergeCommand.Create());
        command.SetAction(result => ScoreApp.Run(() => Request(result), Console.Out, Console.Error, result.GetValue(FailOnDrift)));
        return command;
    }

    private static ScoringRequest Request(ParseResult result)
    {
        Shard shard;
        try
        {
            shard = result.GetValue(ShardOption) is { } text ? Shard.Parse(text) : Shard.All;
        }
        catch (FormatException ex)
        {
            throw new ScoringSetupException(SetupProblem.Usage, $"--shard: {ex.Message}", ex);
        }

        ModelPrecision? precision;
        try
        {
            precision = result.GetValue(Precision) is { } text ? PrecisionChoice.Parse(text) : null;
        }
        catch (FormatException ex)
        {
            throw new ScoringSetupException(SetupProblem.Usage, $"--precision: {ex.Message}", ex);
        }

        return new ScoringRequest
        {
            Folder = result.GetValue(Folder)!,
            Model = result.GetValue(Model)!,
            Precision = precision,
            ModelsRoot = result.GetValue(ModelsRoot)!,
            Output = result.GetValue(Out)!,
            Recursive = result.GetValue(Recursive),
            AllFiles = result.GetValue(AllFiles),
            Shard = shard,
            Resume = result.GetValue(Resume),
            Overwrite = result.GetValue(Overwrite),
            MinConfidence = result.GetValue(MinConfidence),
            DriftThreshold = result.GetValue(DriftThreshold),
            Log = result.GetValue(Log),
            Settings = new ScoringSettings
            {
                TopK = result.GetValue(TopK),
                BatchSize = result.GetValue(Batch),
                Threads = result.GetValue(Threads),
                Preprocess = !result.GetValue(Raw),
                MaxPixels = result.GetValue(MaxPixels),
            },
        };
    }
}
