using System.Diagnostics;
using System.Security.Cryptography;
using DigitForge.Inference;
using DigitForge.Inference.Drift;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Store;
using DigitForge.Scoring.Listing;
using DigitForge.Scoring.Models;
using DigitForge.Scoring.Output;

namespace DigitForge.Scoring.Pipeline;

/// <summary>
/// One scoring run. <see cref="Prepare"/> does every check that can fail before any work (settings,
/// folder, model, output file and, with resume, its earlier rows and settings), throwing a
/// <see cref="ScoringSetupException"/>; <see cref="RunAsync"/> then scores the listing into the output,
/// a batch of rows at a time, flushed as they are scored.
/// </summary>
public sealed class ScoringRun : IDisposable
{
    /// <summary>The pipeline whose models this tool scores (<c>MnistPipeline.Name</c>), as the prediction log names it.</summary>
    public const string Pipeline = "mnist";

    private readonly ScoringRequest request;
    private readonly OnnxDigitModel[] models;
    private readonly RunRecord record;
    private readonly ExistingResults? existing;
    private readonly ResultFormat format;

    private readonly FileCount count;

    private ScoringRun(ScoringRequest request, FileCount count, ResolvedModel resolved, OnnxDigitModel[] models, RunRecord record, ResultFormat format, ExistingResults? existing, ScoringSummary summary, PredictionProfile? reference, BatchedPredictionLog? log)
    {
        Log = log;
        this.count = count;
        Reference = reference;
        this.request = request;
        this.models = models;
        this.record = record;
        this.format = format;
        this.existing = existing;
        Model = resolved;
        Summary = summary;
        OutputPath = Path.GetFullPath(request.Output);
        Folder = Path.GetFullPath(request.Folder);
    }

    public ResolvedModel Model { get; }

    /// <summary>The prediction log this run records into (<c>--log</c>); null when it records nothing.</summary>
    public BatchedPredictionLog? Log { get; }

    /// <summary>The golden check of a registry version's model (and why int8 gave way to FP32, if it did); null for a file given by path.</summary>
    public GoldenOutcome? Golden { get; private init; }

    /// <summary>"int8" or "fp32": what the loaded file's metadata says it is.</summary>
    public string Precision => models[0].Precision;

    /// <summary>The model's test-set prediction profile (<c>reference.json</c> beside the ONNX file), or null when it has none.</summary>
    public PredictionProfile? Reference { get; }

    /// <summary>The scored images against <see cref="Reference"/>; null without a reference or a scored image.</summary>
    public DriftCheck? Drift => Reference is { } reference && Summary.Scored > 0
        ? DriftCheck.Compare(reference, Summary.Profile, request.DriftThreshold)
        : null;

    public string Folder { get; }

    public string OutputPath { get; }

    /// <summary>Totals so far, starting from the resumed rows; updated after every batch.</summary>
    public ScoringSummary Summary { get; }

    public int ResumedRows => existing?.Count ?? 0;

    /// <summary>
    /// How many files this run scores, for the progress display's total: counted while the model
    /// loaded. With --resume it is the files listed less the rows resumed (an estimate when files
    /// were removed since).
    /// </summary>
    public long FilesToScore => Math.Max(0, count.Files - ResumedRows);

    /// <summary>True when the output ended inside a row (an interrupted run); that row is scored again.</summary>
    public bool DroppedTornRow => existing?.TornTail ?? false;

    public static ScoringRun Prepare(ScoringRequest request)
    {
        var settings = request.Settings;
        settings.Validate();
        if (request.MinConfidence is < 0 or > 1 || double.IsNaN(request.MinConfidence))
        {
            throw new ScoringSetupException(SetupProblem.Usage, $"--min-confidence {request.MinConfidence}: expected 0 to 1");
        }

        if (request.DriftThreshold <= 0 || double.IsNaN(request.DriftThreshold))
        {
            throw new ScoringSetupException(SetupProblem.Usage, $"--drift-threshold {request.DriftThreshold}: expected a positive number");
        }

        if (request.Resume && request.Overwrite)
        {
            throw new ScoringSetupException(SetupProblem.Usage, "--resume and --overwrite contradict each other");
        }

        var format = ResultFormats.FromPath(request.Output);
        var folder = Path.GetFullPath(request.Folder);
        if (!Directory.Exists(folder))
        {
            throw new ScoringSetupException(SetupProblem.Input, File.Exists(folder) ? $"{folder} is a file; give the folder that holds the images" : $"no such folder: {folder}");
        }

        // Counted beside the model's loading, which leaves the other cores idle, instead of before scoring.
        var output = Path.GetFullPath(request.Output);
        var count = FileCount.Start(request, folder, output);
        OnnxDigitModel[]? models = null;
        try
        {
            var (resolved, loaded, golden) = Load(ModelResolver.Resolve(request.Model, request.ModelsRoot, request.Precision), settings.Threads);
            models = loaded;
            var model = models[0];
            if (settings.TopK > model.Classes)
            {
                throw new ScoringSetupException(SetupProblem.Usage, $"--top-k {settings.TopK}: the model has only {model.Classes} labels");
            }

            var record = new RunRecord(resolved.Description, resolved.OnnxPath, Sha256(resolved.OnnxPath), settings.Preprocess, settings.TopK, request.Recursive, request.Shard.ToString(), request.AllFiles);
            var summary = new ScoringSummary(model.Labels, request.MinConfidence);
            var existing = OpenExisting(request, output, format, record, summary);
            var log = request.Log ? OpenLog(request, resolved) : null;
            return new ScoringRun(request, count, resolved, models, record, format, existing, summary, LoadReference(resolved.OnnxPath), log) { Golden = golden };
        }
        catch
        {
            if (models is not null)
            {
                Dispose(models);
            }

            count.Dispose();
            throw;
        }
    }

    private static BatchedPredictionLog OpenLog(ScoringRequest request, ResolvedModel resolved)
    {
        if (resolved.Source is null)
        {
            throw new ScoringSetupException(SetupProblem.Usage, $"--log records the model version of each prediction; {resolved.OnnxPath} is a file, not a registry version");
        }

        try
        {
            // artifacts/<pipeline>/models -> artifacts/<pipeline>/monitor.db
            return new BatchedPredictionLog(MonitorStores.Open(Path.GetDirectoryName(Path.GetFullPath(request.ModelsRoot))!));
        }
        catch (Engine.Config.ConfigException ex)
        {
            throw new ScoringSetupException(SetupProblem.Usage, ex.Message, ex);
        }
        catch (MonitorStoreException ex)
        {
            throw new ScoringSetupException(SetupProblem.Input, ex.Message, ex);
        }
    }

    private static PredictionProfile? LoadReference(string onnxPath)
    {
        var path = Path.Combine(Path.GetDirectoryName(onnxPath)!, PredictionProfile.FileName);
        try
        {
            return File.Exists(path) ? Engine.Storage.JsonFile.Read<PredictionProfile>(path) : null;
        }
        catch (InvalidDataException ex)
        {
            throw new ScoringSetupException(SetupProblem.Input, ex.Message, ex);
        }
    }

    /// <summary>This shard's files to score; <paramref name="fingerprint"/> takes every shard's (for merging shards).</summary>
    private IEnumerable<ListedFile> Listed(Action<ListedFile> onSkipped, ListingFingerprint fingerprint)
    {
        var listing = Listing(Folder, request.Recursive, OutputPath);
        foreach (var file in listing.Files())
        {
            var scored = ImageFileNames.IsScored(Path.GetFileName(file.FullPath.AsSpan()), request.AllFiles);
            if (scored)
            {
                fingerprint.Add(file.RelativePath);
            }

            if (!request.Shard.Contains(file.RelativePath))
            {
                continue;
            }

            if (!scored)
            {
                onSkipped(file);
            }
            else if (existing?.Paths.Contains(file.RelativePath) != true)
            {
                yield return file;
            }
        }
    }

    /// <summary>Images (by name) in sub-folders, which a run without --recursive does not list, by sub-folder.</summary>
    private (long Images, int Folders) ImagesInSubFolders()
    {
        var listing = Listing(Folder, recursive: true, OutputPath);
        var folders = new HashSet<string>(StringComparer.Ordinal);
        var images = listing.Count(
            (prefix, name) =>
            {
                if (prefix.Length == 0 || !ImageFileNames.IsScored(name, allFiles: false))
                {
                    return false;
                }

                folders.Add(prefix[..prefix.IndexOf('/', StringComparison.Ordinal)]);
                return true;
            },
            CancellationToken.None);
        return (images, folders.Count);
    }

    /// <summary>Scores this shard's files into the output; <paramref name="onProgress"/> is told after each batch.
    /// Cancellation stops after the batch in hand: every row written is complete.</summary>
    public async Task<ScoringOutcome> RunAsync(Action<ScoringSummary>? onProgress, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        long added = 0;
        record.Write(OutputPath, "running", null);
        bool completed;
        using var fingerprint = new ListingFingerprint();
        using (var writer = OpenWriter())
        {
            var scorer = new BatchScorer(models, request.Settings with { HashInputs = Log is not null });
            completed = await scorer.RunAsync(
                Listed(file => Summary.Skip(file.RelativePath), fingerprint),
                rows =>
                {
                    var at = request.LogTime ?? DateTimeOffset.UtcNow;
                    foreach (var row in rows)
                    {
                        writer.Write(row);
                        Summary.Add(row);
                        if (Log is not null && row.Prediction is { } prediction)
                        {
                            Log.Record(new PredictionRecord(Path.Join(Folder, row.Path), at, Pipeline, Model.Source!.Version.Name, Precision, row.InputHash!, prediction.Label, prediction.Probability, null, "score"));
                        }
                    }

                    writer.Flush();
                    added += rows.Count;
                    onProgress?.Invoke(Summary);
                },
                cancellation);
        }

        // Stored before the summary, which counts what the log holds.
        Log?.Dispose();

        // Not after an interruption: walking a large tree would delay the stop.
        if (completed && !request.Recursive)
        {
            (Summary.ImagesInSubFolders, Summary.SubFoldersWithImages) = ImagesInSubFolders();
        }

        record.Write(OutputPath, completed ? "completed" : "interrupted", Summary, completed ? new RunCompletion(fingerprint.Files, fingerprint.Sha256(), Summary.Total, new FileInfo(OutputPath).Length) : null);
        return new ScoringOutcome(Summary, ResumedRows, added, completed, clock.Elapsed);
    }

    public void Dispose()
    {
        Log?.Dispose();
        Dispose(models);
        count.Dispose();
    }

    private static void Dispose(IEnumerable<OnnxDigitModel> models)
    {
        foreach (var model in models)
        {
            model.Dispose();
        }
    }

    /// <summary>One single-threaded session per worker (see <see cref="BatchScorer"/>); the first is the one the golden check runs through.</summary>
    private static (ResolvedModel Model, OnnxDigitModel[] Sessions, GoldenOutcome? Golden) Load(ResolvedModel resolved, int workers)
    {
        var models = new List<OnnxDigitModel>(workers);
        try
        {
            var (used, first, golden) = ModelResolver.Open(resolved, path => OnnxDigitModel.Load(path, intraOpThreads: 1));
            models.Add(first);
            for (var i = 1; i < workers; i++)
            {
                models.Add(OnnxDigitModel.Load(used.OnnxPath, intraOpThreads: 1));
            }

            return (used, [.. models], golden);
        }
        catch (GoldenCheckFailedException ex)
        {
            Dispose(models);
            throw new ScoringSetupException(SetupProblem.GoldenCheckFailed, ex.Message, ex);
        }
        catch (Exception ex) when (ex is InvalidOnnxModelException or FileNotFoundException or UnauthorizedAccessException or InvalidDataException)
        {
            Dispose(models);
            throw new ScoringSetupException(SetupProblem.Input, $"cannot use the model ({resolved.Description}): {ex.Message}", ex);
        }
        catch
        {
            Dispose(models);
            throw;
        }
    }

    private static ExistingResults? OpenExisting(ScoringRequest request, string output, ResultFormat format, RunRecord record, ScoringSummary summary)
    {
        if (!File.Exists(output))
        {
            return null;
        }

        if (!request.Resume)
        {
            return request.Overwrite
                ? null
                : throw new ScoringSetupException(SetupProblem.Usage, $"{output} already exists; pass --resume to continue it or --overwrite to replace it");
        }

        record.CheckResumable(output);
        return ExistingResults.Read(output, format, request.Settings.TopK, summary.Add);
    }

    private IResultWriter OpenWriter()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(OutputPath)!);
        var stream = new FileStream(OutputPath, existing is null ? FileMode.Create : FileMode.Open, FileAccess.Write, FileShare.Read, 1 << 16);
        if (existing is not null)
        {
            // Cut off a row torn by an interrupted run, then append.
            stream.SetLength(existing.CompleteLength);
            stream.Seek(0, SeekOrigin.End);
        }

        return ResultFormats.CreateWriter(format, stream, request.Settings.TopK, writeHeader: existing?.HasHeader != true);
    }

    /// <summary>The files under <paramref name="folder"/>, less the run's own output and run record.</summary>
    private static FolderListing Listing(string folder, bool recursive, string output) =>
        new(folder, recursive, [output, RunRecord.PathFor(output)]);

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The files the run will score (resumed ones included), counted on a pool thread.</summary>
    private sealed class FileCount(Task<long> counting, CancellationTokenSource stop) : IDisposable
    {
        public long Files => counting.GetAwaiter().GetResult();

        public static FileCount Start(ScoringRequest request, string folder, string output)
        {
            var listing = Listing(folder, request.Recursive, output);
            var shard = request.Shard;
            var stop = new CancellationTokenSource();
            var counting = Task.Run(
                () => listing.Count((prefix, name) => ImageFileNames.IsScored(name, request.AllFiles) && (shard == Shard.All || shard.Contains(prefix + name.ToString())), stop.Token),
                CancellationToken.None);
            return new FileCount(counting, stop);
        }

        public void Dispose()
        {
            stop.Cancel();

            // Not left running over a folder its caller may delete next; its result or failure no longer matters.
            Task.WaitAny(counting);
            stop.Dispose();
        }
    }
}
