namespace DigitForge.Cli.Build;

/// <summary>How <c>./build.sh</c> reads one argument: <c>--name=value</c>, a bare <c>--name</c>, or a value given again and again.</summary>
public enum ArgumentKind
{
    Value,
    Flag,
    Repeated,
}

/// <summary>One argument of <c>./build.sh</c>.</summary>
public sealed record BuildArgument(string Name, ArgumentKind Kind, string Help);

/// <summary>What a tool target needs before its tasks can be made: nothing, or the pipeline's stage graph.</summary>
public enum TargetNeeds
{
    Nothing,
    Graph,
}

/// <summary>
/// A target that is not a stage: a command of the CLI or one of the compiled tools.
/// <paramref name="Command"/> gives its command line (what follows <c>dotnet</c>); <paramref name="DependsOn"/> names the target it needs first.
/// </summary>
public sealed record ToolTarget(
    string Name,
    string Description,
    IReadOnlyList<string> Arguments,
    TargetNeeds Needs,
    Func<BuildRequest, IReadOnlyList<string>> Command,
    string? DependsOn = null);

/// <summary>
/// Every target and argument of <c>./build.sh</c> besides the pipeline's stages, which come from the
/// pipeline's declaration. Cake's task list, <c>--target=Help</c> and the "did you mean" check all read this.
/// </summary>
public static class BuildCatalogue
{
    /// <summary>What every stage target reads.</summary>
    public static readonly IReadOnlyList<BuildArgument> Common =
    [
        new("target", ArgumentKind.Value, "What to build: a stage (default: the pipeline's last) or a target below."),
        new("pipeline", ArgumentKind.Value, "Which pipeline (default: mnist)."),
        new("config", ArgumentKind.Value, "The recipe, relative to the repository (default: configs/<pipeline>/default.json)."),
        new("set", ArgumentKind.Repeated, "Override one recipe value, e.g. --set=train.epochs=20."),
        new("artifacts", ArgumentKind.Value, "Output folder, relative to the repository (default: artifacts)."),
        new("rerun", ArgumentKind.Flag, "Run the target's stages even when up to date."),
        new("force", ArgumentKind.Flag, "Promote: make the model production even when the quality gate rejects it (recorded)."),
        new("require-promotion", ArgumentKind.Flag, "Promote: fail (exit 7) when the gate keeps the model out of production."),
        new("no-wait", ArgumentKind.Flag, "Exit at once (code 6) when another build holds the artifacts lock."),
    ];

    /// <summary>What the tool targets read, besides <see cref="Common"/>.</summary>
    public static readonly IReadOnlyList<BuildArgument> Options =
    [
        new("model", ArgumentKind.Value, "A model version (N, vN or production)."),
        new("to", ArgumentKind.Value, "Rollback: the version to make production (default: the previous one)."),
        new("base", ArgumentKind.Value, "Compare: the version compared against (default: production)."),
        new("candidate", ArgumentKind.Value, "Compare: the version compared (default: the newest other)."),
        new("models", ArgumentKind.Value, "DeleteModels: the versions, e.g. 3,v4."),
        new("confirm", ArgumentKind.Flag, "DeleteModels: delete (without it, only list)."),
        new("include-production", ArgumentKind.Flag, "DeleteModels: production may be deleted too."),
        new("max-age-days", ArgumentKind.Value, "CacheGc: remove cache entries unused for this many days."),
        new("max-size-mb", ArgumentKind.Value, "CacheGc: shrink the cache to this size."),
        new("min-age-minutes", ArgumentKind.Value, "RegistryGc: only unfinished uploads older than this (default 60)."),
        new("format", ArgumentKind.Value, "Graph: mermaid (default), dot, svg or json."),
        new("input", ArgumentKind.Value, "Score: a folder of images, or a CSV/JSON Lines file of stories; Feedback: a CSV of path,label or a folder of label sub-folders."),
        new("out", ArgumentKind.Value, "Score, Dashboard, Experiments --plot: the file to write."),
        new("latest", ArgumentKind.Value, "Score (stories): score the newest N stories from the API."),
        new("recursive", ArgumentKind.Flag, "Score: include sub-folders."),
        new("resume", ArgumentKind.Flag, "Score: continue an interrupted run."),
        new("raw", ArgumentKind.Flag, "Score: images are already 28x28 grey digits; skip the preprocessing."),
        new("overwrite", ArgumentKind.Flag, "Score: replace an existing output file."),
        new("fail-on-drift", ArgumentKind.Flag, "Score: exit non-zero when the inputs drift from the training data."),
        new("all-files", ArgumentKind.Flag, "Score: try every file, not only known image extensions."),
        new("no-log", ArgumentKind.Flag, "Score: do not record the predictions in the pipeline's prediction log (recorded by default)."),
        new("at", ArgumentKind.Value, "Score, Feedback: record as made at this time; Outcomes, Monitor, Dashboard: as of this time (ISO 8601; default now)."),
        new("since", ArgumentKind.Value, "ExportFeedback: only predictions made at or after this time (ISO 8601)."),
        new("until", ArgumentKind.Value, "ExportFeedback: only predictions made before this time (ISO 8601)."),
        new("id", ArgumentKind.Value, "PushFeedback, AddFeedback: a feedback snapshot's id, as ExportFeedback prints it."),
        new("notify", ArgumentKind.Value, "Monitor: on a breached threshold, POST a repository_dispatch drift-detected event to this URL."),
        new("precision", ArgumentKind.Value, "Score, Serve: int8 or fp32 (default: what the version's parity record allows)."),
        new("port", ArgumentKind.Value, "Serve: the port on 127.0.0.1 (default 8080)."),
        new("urls", ArgumentKind.Value, "Serve: the addresses to listen on, instead of --port."),
        new("api-key", ArgumentKind.Value, "Serve: the key requests must present."),
        new("sort", ArgumentKind.Value, "Experiments: order by a metric (METRIC[:asc])."),
        new("filter", ArgumentKind.Repeated, "Experiments: only runs with KEY=VALUE."),
        new("json", ArgumentKind.Flag, "Experiments, Monitor: JSON instead of a table."),
        new("all-params", ArgumentKind.Flag, "Experiments: every parameter, not only those that differ."),
        new("diff", ArgumentKind.Value, "Experiments: compare two runs or versions, e.g. v3,v5."),
        new("plot", ArgumentKind.Value, "Experiments: overlay two versions' training curves (with --out=FILE.svg)."),
        new("sweep", ArgumentKind.Repeated, "Sweep: a key and its values, KEY=V1,V2 or KEY=LOW..HIGH (repeat for a grid); Experiments: one sweep's members (--sweep=ID)."),
        new("search", ArgumentKind.Value, "Sweep: random:N, N members drawn from the ranges."),
        new("seed", ArgumentKind.Value, "Sweep: the random search's seed (default 1)."),
        new("max-runs", ArgumentKind.Value, "Sweep: refuse more members than this (default 64)."),
        new("jobs", ArgumentKind.Value, "Sweep: members built at once, the cores split between them (default 1)."),
        new("prune", ArgumentKind.Value, "Sweep: median, to stop members behind the median early."),
        new("up-to", ArgumentKind.Value, "Sweep: the stage each member is built up to (default: the stage that measures the metrics)."),
        new("promote-best", ArgumentKind.Flag, "Sweep: put the best member through the quality gate afterwards."),
        new("plan-only", ArgumentKind.Flag, "Sweep: write the plan (and upload it to the remote) for members built elsewhere; build nothing."),
        new("name", ArgumentKind.Value, "NewPipeline: the new pipeline's name, a lower-case identifier."),
    ];

    public static IEnumerable<BuildArgument> Arguments => Common.Concat(Options);

    /// <summary>The target a build reaches last when the one asked for may be skipped: Cake cannot skip its target task.</summary>
    public const string Summary = "Summary";

    public static readonly IReadOnlyList<ToolTarget> Targets =
    [
        new("Graph", "Prints the stage graph with each stage's status, as Mermaid (--format=dot|svg|json for the others).",
            ["format"], TargetNeeds.Graph, r => r.Cli("graph", "--status", $"--format={r.Value("format") ?? "mermaid"}")),
        new("Status", "Shows each stage as up to date or stale, and why, without running anything.",
            [], TargetNeeds.Graph, r => r.Cli("status")),
        new("Verify", "Retrains the recipe (or a registered version's, --model=N|production) in a scratch folder and checks weights and metrics are bit-identical.",
            ["model"], TargetNeeds.Graph, r => r.Cli("verify", r.Option("model"))),
        new("Models", "Lists model versions with stage, metrics and date.",
            [], TargetNeeds.Graph, r => r.Cli("models")),
        new("Lineage", "Shows one model version's lineage, metrics, files and history (--model=N, default: production).",
            ["model"], TargetNeeds.Graph, r => r.Cli("models", "show", r.Value("model"))),
        new("Compare", "Compares two versions' test metrics (--base=N, default production; --candidate=M, default the newest other); writes artifacts/<pipeline>/comparison.md.",
            ["base", "candidate"], TargetNeeds.Graph,
            r => r.Cli("models", "compare", r.Option("base"), r.Option("candidate"), $"--markdown={Path.Combine(r.Home, "comparison.md")}")),
        new("Rollback", "Makes an earlier model version production again (--to=N, default: the previous one).",
            ["to"], TargetNeeds.Graph, r => r.Cli("models", "rollback", r.Option("to"))),
        new("DeleteModels", "Deletes model versions' files (--models=3,v4); lists them and deletes nothing without --confirm; production only with --include-production. The registry keeps their history.",
            ["models", "confirm", "include-production"], TargetNeeds.Graph,
            r => r.Cli([.. new[] { "models", "delete" }, .. r.List("models", "--models=3,v4"), r.Flag("confirm"), r.Flag("include-production")])),
        new("Experiments", "Lists recorded runs with the parameters that differ and their metrics (--sort, --filter=KEY=VALUE, --json, --all-params); --sweep=ID one sweep's members; --diff=A,B compares two runs or versions; --plot=A,B --out=FILE.svg overlays two versions' training curves.",
            ["sort", "filter", "json", "all-params", "diff", "plot", "out", "sweep"], TargetNeeds.Graph, ExperimentsCommand),
        new("Sweep", "Builds many recipes at once (--sweep=KEY=V1,V2 ... for a grid, --search=random:N), sharing unchanged stages, --jobs at a time, --prune=median stopping hopeless ones; --promote-best promotes the best. Takes no lock itself: each member builds in a folder of its own.",
            ["sweep", "search", "seed", "max-runs", "jobs", "prune", "up-to", "promote-best", "plan-only"], TargetNeeds.Nothing, SweepCommand),
        new("RegistryGc", "Removes a remote registry's unfinished uploads older than --min-age-minutes (default 60); never a registered version.",
            ["min-age-minutes"], TargetNeeds.Graph, r => r.Cli("models", "gc", r.Option("min-age-minutes"))),
        new("Dashboard", "Writes artifacts/<pipeline>/reports/dashboard.html (or --out=FILE): stage statuses, run history and model registry on one offline page.",
            ["out", "at"], TargetNeeds.Graph, r => r.Cli("dashboard", r.Value("out") is { } file ? $"--out={r.FromRoot(file)}" : null, r.Option("at"))),
        new("CacheGc", "Prunes the stage-output cache (--max-age-days=N and/or --max-size-mb=N), keeping what current stages and production/candidate models need.",
            ["max-age-days", "max-size-mb"], TargetNeeds.Graph, r => r.Cli("cache", "gc", r.Option("max-age-days"), r.Option("max-size-mb"))),
        new("Clean", "Deletes every pipeline's stage outputs and reports and the compiled tools; never a model version or the registry.",
            [], TargetNeeds.Nothing, r => r.Cli("clean")),
        new(CompiledTools.Score.CompileTarget, "Builds the standalone digitforge-score tool when its sources changed.",
            [], TargetNeeds.Nothing, r => r.Cli("tools", "compile", CompiledTools.Score.Name)),
        new("Score", "Scores inputs with the production model (or --model=N) through the pipeline's scorer: a folder of images (--input=DIR), or for a pipeline that scores stories a CSV/JSON Lines file (--input=FILE) or the newest stories on the API (--latest=N).",
            ["input", "out", "latest", "model", "recursive", "resume", "raw", "overwrite", "fail-on-drift", "all-files", "precision", "no-log", "at"], TargetNeeds.Nothing,
            ScoreCommand),
        new(CompiledTools.Serve.CompileTarget, "Builds the digitforge-serve service when its sources changed.",
            [], TargetNeeds.Nothing, r => r.Cli("tools", "compile", CompiledTools.Serve.Name)),
        new("Serve", "Serves the production model of every pipeline's registry in the artifacts (and the digit routes over --pipeline's) over HTTP on 127.0.0.1 (--port=N, default 8080) until Ctrl+C.",
            ["port", "urls", "api-key", "precision"], TargetNeeds.Nothing,
            r => [CompiledTools.Serve.Assembly(r.Root), "--root", r.Root, "--models-root", r.ModelsFolder, "--artifacts", r.FromRoot(r.Artifacts),
                .. r.Value("urls") is { } urls ? new[] { "--urls", urls } : ["--port", r.Value("port") ?? "8080"],
                .. r.Value("api-key") is { } key ? new[] { "--api-key", key } : [],
                .. r.Value("precision") is { } precision ? new[] { "--precision", precision } : []],
            CompiledTools.Serve.CompileTarget),
        new("Feedback", "Records the true labels of logged predictions (--input=labels.csv of path,label, or a folder of label sub-folders); exit 4 when some could not be recorded.",
            ["input", "at"], TargetNeeds.Nothing,
            r => r.Cli("feedback", $"--input={r.FromRoot(r.Value("input") ?? throw new BuildArgumentException("Feedback needs --input=<labels.csv or folder of label sub-folders>"))}", r.Option("at"))),
        new("ExportFeedback", "Writes the labelled feedback (--since/--until) as an immutable snapshot artifacts/<pipeline>/feedback/<id>/ and prints its id, for the recipe's data.feedback.",
            ["since", "until"], TargetNeeds.Nothing, r => r.Cli("feedback", "export", r.Option("since"), r.Option("until"))),
        new("PushFeedback", "Uploads the feedback snapshot --id=ID, verified, to the remote cache (DIGITFORGE_REMOTE), so another machine can train on it.",
            ["id"], TargetNeeds.Nothing, r => r.Cli("feedback", "push", FeedbackId(r, "PushFeedback"))),
        new("PullFeedback", "Fetches the feedback snapshots the recipe's data.feedback names that are missing here from the remote cache, verified by their content hash.",
            [], TargetNeeds.Nothing, r => r.Cli("feedback", "pull")),
        new("AddFeedback", "Adds the feedback snapshot --id=ID (here or in the remote cache) to the recipe file's data.feedback (--config), in place; nothing when it is there already.",
            ["id"], TargetNeeds.Nothing, r => r.Cli("config", "add-feedback", FeedbackId(r, "AddFeedback"))),
        new("Outcomes", "Records the settled comment counts of logged Hacker News stories predicted at least monitor.settleHours ago (--pipeline=hn).",
            ["at"], TargetNeeds.Nothing, r => r.Cli("outcomes", r.Option("at"))),
        new("Monitor", "Live performance per day and model version, drift and the version serving (--at=TIME); exit 5 on a breached monitor threshold, sent to --notify=URL.",
            ["json", "at", "notify"], TargetNeeds.Nothing, r => r.Cli("monitor", r.Flag("json"), r.Option("at"), r.Option("notify"))),
        new("NewPipeline", "Creates a C# pipeline from templates/pipeline (--name=NAME): its project, test project and recipes, registered in the solution, the CLI's project and the pipeline catalogue.",
            ["name"], TargetNeeds.Nothing,
            r => r.Cli("new-pipeline", $"--name={r.Value("name") ?? throw new BuildArgumentException("NewPipeline needs --name=<a lower-case identifier>, e.g. --name=demand")}")),
        new("Help", "Lists the targets and arguments.",
            [], TargetNeeds.Nothing, r => r.Cli("build-help")),
    ];

    public static ToolTarget? Find(string name) => Targets.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static IReadOnlyList<string> ExperimentsCommand(BuildRequest request)
    {
        foreach (var verb in new[] { "diff", "plot" })
        {
            if (request.Value(verb) is { } pair)
            {
                var versions = request.List(verb, $"--{verb}=v3,v5");
                if (versions.Count != 2)
                {
                    throw new BuildArgumentException($"--{verb} needs two runs or versions, e.g. --{verb}=v3,v5, not '{pair}'");
                }

                return request.Cli("experiments", verb, versions[0], versions[1],
                    verb == "plot" ? $"--out={request.FromRoot(request.Value("out") ?? "experiments.svg")}" : null,
                    verb == "diff" ? request.Flag("json") : null);
            }
        }

        return request.Cli([.. new[] { "experiments", request.Option("sort"), request.Flag("json"), request.Flag("all-params"), request.Option("sweep") },
            .. request.Values("filter").Select(filter => $"--filter={filter}")]);
    }

    private static string FeedbackId(BuildRequest request, string target) =>
        request.Value("id") ?? throw new BuildArgumentException($"{target} needs --id=<a feedback snapshot's id, as ExportFeedback prints it>");

    private static IReadOnlyList<string> SweepCommand(BuildRequest request) =>
        request.Cli([.. new[] { "sweep", request.Option("search"), request.Option("seed"), request.Option("max-runs"), request.Option("jobs"), request.Option("prune"),
            request.Value("up-to") is { } stage ? $"--target={stage}" : null, request.Flag("promote-best"), request.Flag("plan-only") },
            .. request.Values("sweep").Select(sweep => $"--sweep={sweep}")]);

    // Every pipeline scores through the scorer it declares; paths are taken from the repository. Scheduled
    // scoring is what the live figures are made of, so the build's Score records its predictions by default
    // (for a pipeline that declares how it is monitored; another's scorer would refuse --log).
    private static IReadOnlyList<string> ScoreCommand(BuildRequest request) =>
        request.Cli([.. new[] { "score", request.Value("input") is { } input ? $"--input={request.FromRoot(input)}" : null,
                $"--out={request.FromRoot(request.Value("out") ?? "predictions.csv")}", request.Option("latest"), request.Option("model"), request.Option("precision"), request.Option("at") },
            .. new[] { "recursive", "resume", "raw", "overwrite", "fail-on-drift", "all-files" }.Select(request.Flag),
            request.Has("no-log") || PipelineCatalog.Find(request.Pipeline, request.Root) is not Monitoring.IMonitoredPipeline ? null : "--log"]);
}
