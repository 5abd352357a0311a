using DigitForge.Engine.Hashing;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Api;
using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Stages;

/// <summary>
/// Ingest: the stories, from the bundled snapshot (checked against its pinned SHA-256) or the newest
/// from the Hacker News API, written as one stories file. An API fetch keeps its progress in a
/// checkpoint outside the stage folder, so a build killed mid-fetch resumes where it stopped.
/// </summary>
public sealed class IngestStage(NewsDataConfig config, string root, string checkpoint) : IStage
{
    public const string StoriesFile = "stories.csv.gz";
    public const string SummaryFile = "summary.json";

    public string Description => config.Source == NewsSource.Api
        ? $"Fetches the newest {config.Api.Latest} stories from the Hacker News API (resumable)."
        : "Reads the bundled Hacker News snapshot, checked against its pinned SHA-256.";

    public IReadOnlyList<StageDependency> Dependencies => [];

    public StageInputs DescribeInputs() => new(
        new { data = config.Source == NewsSource.Api ? (object)new { source = config.Source, api = config.Api } : new { source = config.Source, bundled = config.Bundled } },
        config.Source == NewsSource.Bundled ? new Dictionary<string, string> { ["stories"] = BundledPath } : new Dictionary<string, string>(),
        new Dictionary<string, string>());

    private string BundledPath => Path.GetFullPath(config.Bundled.Path!, root);

    public void Run(StageRunContext context)
    {
        var stories = config.Source == NewsSource.Api ? Fetch(context) : ReadBundled();
        StoryFile.Write(context.OutputFile(StoriesFile), stories);
        JsonFile.Write(context.OutputFile(SummaryFile), new
        {
            source = config.Source.ToString().ToLowerInvariant(),
            stories = stories.Count,
            oldest = stories.Min(s => s.CreatedAt),
            newest = stories.Max(s => s.CreatedAt),
            medianComments = stories.Select(s => s.Comments).Order().ElementAt(stories.Count / 2),
        });
        context.Log.Info($"{stories.Count} stories from {stories.Min(s => s.CreatedAt):yyyy-MM-dd} to {stories.Max(s => s.CreatedAt):yyyy-MM-dd}");
        if (File.Exists(checkpoint))
        {
            // Written into the stage's outputs now: a later fetch must not reuse these comment counts.
            File.Delete(checkpoint);
        }
    }

    private List<Story> ReadBundled()
    {
        var actual = ContentHash.OfFile(BundledPath);
        return actual == config.Bundled.Sha256
            ? StoryFile.Read(BundledPath)
            : throw new InvalidDataException($"{BundledPath}: SHA-256 is {actual}, but data.bundled.sha256 expects {config.Bundled.Sha256}; restore the file, or run scripts/make-hn-data.sh and pin the hash it prints");
    }

    private List<Story> Fetch(StageRunContext context)
    {
        using var client = new HackerNewsClient(config.Api.ToClientOptions());
        var fetched = client.FetchNewestStoriesAsync(
            config.Api.Latest,
            checkpoint,
            progress => context.Log.Progress((double)progress.Stories / progress.Target, $"{progress.Stories}/{progress.Target} stories"),
            context.Cancellation).GetAwaiter().GetResult();
        context.Log.Info($"fetched {fetched.Fetched} items ({fetched.FromCheckpoint} from the checkpoint), scanned {fetched.IdsScanned} ids below {fetched.MaxItem}");
        if (fetched.ScanLimitReached)
        {
            context.Log.Warning($"stopped after scanning {fetched.IdsScanned} ids with {fetched.Stories.Count} of {config.Api.Latest} stories; raise data.api.maxIdsScanned for more");
        }

        return fetched.Stories.Count >= 2
            ? [.. fetched.Stories]
            : throw new InvalidDataException($"{config.Api.BaseUrl}: only {fetched.Stories.Count} stories found; at least 2 are needed to split");
    }
}
