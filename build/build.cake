// DigitForge's build: one Cake task per stage of the chosen pipeline, derived from the pipeline's
// declaration in src/ (asked of the `digitforge` CLI as JSON), plus the tool targets. This script
// only wires: what a stage does, and whether it is up to date, is decided by the CLI.
//
//   ./build.sh [--pipeline=mnist|hn] [--target=Report] [--config=configs/<pipeline>/default.json]
//              [--set=train.epochs=20 ...] [--artifacts=artifacts] [--rerun] [--no-wait]
//   ./build.sh --target=Promote [--force] [--require-promotion]
//   ./build.sh --target=Graph | Status | Verify [--model=N] | Models | Lineage [--model=N]
//              | Rollback [--to=N] | Compare [--base=N --candidate=M] | CacheGc --max-age-days=30 | RegistryGc
//              | Experiments [--diff=A,B | --plot=A,B --out=FILE] | Dashboard
//   ./build.sh --target=Score --input=<folder> | Serve [--port=8080] [--precision=int8|fp32] | Clean
//   ./build.sh --target=DeleteModels --models=3,v4 [--confirm] [--include-production]
//
// Exit codes are the CLI's, passed through unchanged (see the table in docs/exit-codes.md).

using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;

// Every argument this script knows; anything else is refused before any work (Cake's own options,
// such as --verbosity, --dryrun, --tree and --description, never reach the script's arguments).
var knownArguments = new[]
{
    "target", "pipeline", "config", "set", "artifacts", "rerun", "force", "require-promotion", "no-wait",
    "model", "to", "base", "candidate", "max-age-days", "max-size-mb",
    "input", "out", "recursive", "resume", "raw", "overwrite", "fail-on-drift", "all-files",
    "port", "urls", "api-key", "format", "latest", "models", "confirm", "include-production",
    "sort", "filter", "json", "all-params", "diff", "plot", "min-age-minutes", "precision",
};
const int UsageError = 2;
foreach (var name in Context.Arguments.GetArguments().Keys.Where(name => !knownArguments.Contains(name, StringComparer.OrdinalIgnoreCase)))
{
    var nearest = knownArguments.OrderBy(known => Distance(name.ToLowerInvariant(), known)).First();
    Error($"unknown argument --{name}" + (Distance(name.ToLowerInvariant(), nearest) <= 3 ? $"; did you mean --{nearest}?" : string.Empty));
    System.Environment.Exit(UsageError);
}

var target = Argument("target", "Report");
var pipeline = Argument("pipeline", "mnist");
var configFile = Argument<string>("config", null);
var overrides = Arguments<string>("set", Array.Empty<string>());
var artifacts = Argument("artifacts", "artifacts");
var rerun = HasArgument("rerun");
var forcePromotion = HasArgument("force");

// Cake runs with the script's folder as working directory; everything else is relative to the repo root.
var root = MakeAbsolute(Directory(".."));
// The CLI starts several times per build, so it is precompiled (ReadyToRun): less JIT at every start.
var cli = new Tool(root, "src/DigitForge.Cli/DigitForge.Cli.csproj", "build/bin/cli", "digitforge.dll", readyToRun: true);
var score = new Tool(root, "src/DigitForge.Score/DigitForge.Score.csproj", "build/bin/score", "digitforge-score.dll", compileTask: "CompileScore");
var serve = new Tool(root, "src/DigitForge.Serve/DigitForge.Serve.csproj", "build/bin/serve", "digitforge-serve.dll", compileTask: "CompileServe");
var precompiledCake = new PrecompiledCake(root.Combine("build/bin/cake"));

// Cake's own listing modes run this script too; they must not lock, restore or run anything.
var listingOnly = System.Environment.GetCommandLineArgs().Any(a => a is "--dryrun" or "--noop" or "--whatif" or "--tree" or "--description" or "--showdescription");

// The exit code of the first CLI call that failed: what the build exits with.
var failedWith = 0;

// Stages this build ran: none means the summary taken with the graph still holds.
var stagesRun = 0;

// The process holding the build's lock. Kept referenced to the end: a collected Process finalizes its
// standard input, and the holder lets go of the lock when that closes, in the middle of the build.
Process lockHolder = null;

// build.sh started Cake and the lock holder without two runtime features that cost start-up time
// (see there); every process this build starts gets the user's settings back.
foreach (var name in new[] { "DOTNET_EnableWriteXorExecute", "DOTNET_TieredPGO" })
{
    if (System.Environment.GetEnvironmentVariable("DIGITFORGE_RESTORE_" + name) is { } saved)
    {
        System.Environment.SetEnvironmentVariable(name, saved == "unset" ? null : saved);
        System.Environment.SetEnvironmentVariable("DIGITFORGE_RESTORE_" + name, null);
    }
}

// Or the holder build.sh started beside Cake, once adopted (see LockAhead below); the variable is
// build.sh's word to this script, not to the processes the build starts.
LockAhead lockAhead = null;
var lockAheadHandle = System.Environment.GetEnvironmentVariable(LockAhead.Variable);
System.Environment.SetEnvironmentVariable(LockAhead.Variable, null);

// One run in the history (artifacts/<pipeline>/history/runs.jsonl) per build: every CLI call of this
// build records under the same id; the target tells the first call which stages the build is made of.
if (string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("DIGITFORGE_RUN_ID")))
{
    System.Environment.SetEnvironmentVariable("DIGITFORGE_RUN_ID",
        DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N").Substring(0, 6));
}

System.Environment.SetEnvironmentVariable("DIGITFORGE_RUN_TARGET", target);

var toolTargets = new[] { "Clean", "Score", score.CompileTask, "Serve", serve.CompileTask };
var graph = toolTargets.Contains(target, StringComparer.OrdinalIgnoreCase) ? null : LoadGraph();

// ---------------------------------------------------------------------------------------------
// The pipeline's stages, one task each, wired by the declared upstreams. A stage whose upstreams
// are all up to date got its status (and a restore from the stage cache) in the one graph call
// above; a stage below a stale one is asked when Cake reaches it, since only then are its inputs final.

var stageNames = new List<string>();
foreach (var stage in graph?.RootElement.GetProperty("stages").EnumerateArray() ?? Enumerable.Empty<JsonElement>())
{
    var name = stage.GetProperty("name").GetString()!;
    stageNames.Add(name);
    var task = Task(name)
        .Description(stage.GetProperty("description").GetString()!)
        .Does(() => stagesRun++)
        .Does(() => Cli("run", name, rerun ? "--rerun" : null,
            IsPublishing(name) && forcePromotion ? "--force" : null,
            IsPublishing(name) && HasArgument("require-promotion") ? "--require-promotion" : null));
    foreach (var upstream in stage.GetProperty("upstreams").EnumerateArray())
    {
        task.IsDependentOn(upstream.GetString()!);
    }

    // A forced promotion must reach the gate even when nothing upstream changed.
    if (rerun || (IsPublishing(name) && forcePromotion))
    {
        continue;
    }

    var status = stage.GetProperty("status");
    if (stage.GetProperty("upToDate").ValueKind == JsonValueKind.True)
    {
        task.WithCriteria(false, status.GetString()!);
    }
    else if (stage.GetProperty("waiting").ValueKind == JsonValueKind.True)
    {
        task.WithCriteria(() => !IsUpToDateNow(name), "up to date once its upstream ran (the line above says why)");
    }
    else if (status.ValueKind == JsonValueKind.String)
    {
        Information($"{name}: {status.GetString()}");
    }
}

bool IsPublishing(string stage) =>
    graph!.RootElement.GetProperty("publishing") is { ValueKind: JsonValueKind.String } publishing && publishing.GetString() == stage;

// ---------------------------------------------------------------------------------------------
// Batch scoring and the HTTP service with the registry's production model (ONNX Runtime only).

Task(score.CompileTask)
    .Description("Builds the digitforge-score tool when its sources changed.")
    .WithCriteria(() => pipeline != "hn", "stories are scored by the digitforge CLI")
    .WithCriteria(() => !score.IsUpToDate, "scoring tool up to date")
    .Does(() => score.Build(Context));

Task("Score")
    .Description("Scores inputs with the production model of the pipeline's registry: a folder of images (--input=DIR), or for --pipeline=hn a CSV/JSON Lines file of stories (--input=FILE) or the newest stories on the API (--latest=N).")
    .IsDependentOn(score.CompileTask)
    .Does(() =>
{
    // Cake runs in build/: relative paths are taken from the repository root, like --artifacts.
    var output = System.IO.Path.GetFullPath(Argument("out", "predictions.csv"), root.FullPath);
    if (pipeline == "hn")
    {
        if (!cli.IsUpToDate)
        {
            cli.Build(Context);
        }

        Cli("score", HasArgument("input") ? $"--input={System.IO.Path.GetFullPath(Argument<string>("input"), root.FullPath)}" : null,
            HasArgument("latest") ? $"--latest={Argument<string>("latest")}" : null, $"--out={output}");
        return;
    }

    var input = Argument<string>("input", null) ?? throw new CakeException(UsageError, "Score needs --input=<folder of images>");
    var arguments = new ProcessArgumentBuilder()
        .AppendQuoted(score.Assembly.FullPath)
        .AppendQuoted(System.IO.Path.GetFullPath(input, root.FullPath))
        .AppendSwitchQuoted("--models-root", " ", ModelsFolder())
        .AppendSwitchQuoted("--out", " ", output);
    foreach (var flag in new[] { "recursive", "resume", "raw", "overwrite", "fail-on-drift", "all-files" }.Where(HasArgument))
    {
        arguments.Append($"--{flag}");
    }

    if (HasArgument("precision"))
    {
        arguments.AppendSwitch("--precision", " ", Argument<string>("precision"));
    }

    Run("digitforge-score", arguments);
});

Task(serve.CompileTask)
    .Description("Builds the digitforge-serve service when its sources changed.")
    .WithCriteria(() => !serve.IsUpToDate, "service up to date")
    .Does(() => serve.Build(Context));

Task("Serve")
    .Description("Serves the production model of the artifacts' registry over HTTP on 127.0.0.1 (--port=N, default 8080) until Ctrl+C.")
    .IsDependentOn(serve.CompileTask)
    .Does(() =>
{
    var arguments = new ProcessArgumentBuilder()
        .AppendQuoted(serve.Assembly.FullPath)
        .AppendSwitchQuoted("--models-root", " ", ModelsFolder());
    if (HasArgument("urls"))
    {
        arguments.AppendSwitchQuoted("--urls", " ", Argument<string>("urls"));
    }
    else
    {
        arguments.AppendSwitch("--port", " ", Argument("port", "8080"));
    }

    if (HasArgument("api-key"))
    {
        arguments.AppendSwitchQuotedSecret("--api-key", " ", Argument<string>("api-key"));
    }

    if (HasArgument("precision"))
    {
        arguments.AppendSwitch("--precision", " ", Argument<string>("precision"));
    }

    Run("digitforge-serve", arguments);
});

// ---------------------------------------------------------------------------------------------
// Looking at the pipeline and its models.

Task("Graph")
    .Description("Prints the pipeline's stage graph with each stage's status, as Mermaid (--format=dot|svg|json for the others).")
    .Does(() => Cli("graph", "--status", $"--format={Argument("format", "mermaid")}"));

Task("Status")
    .Description("Shows each stage as up to date or stale, and why, without running anything.")
    .Does(() => Cli("status"));

Task("Verify")
    .Description("Retrains the current recipe (or, with --model=N|production, a registered version's recorded recipe) in a scratch folder and checks weights and metrics are bit-identical.")
    .Does(() => Cli("verify", HasArgument("model") ? $"--model={Argument<string>("model")}" : null));

Task("Models")
    .Description("Lists model versions with stage, metrics and date.")
    .Does(() => Cli("models"));

Task("Lineage")
    .Description("Shows one model version's lineage, metrics, files and history (--model=N, default: production; Cake reserves --version).")
    .Does(() => Cli("models", "show", HasArgument("model") ? Argument<string>("model") : null));

Task("Compare")
    .Description("Compares two model versions' test metrics (--base=N, default production; --candidate=M, default the newest other); writes artifacts/<pipeline>/comparison.md.")
    .Does(() => Cli("models", "compare",
        HasArgument("base") ? $"--base={Argument<string>("base")}" : null,
        HasArgument("candidate") ? $"--candidate={Argument<string>("candidate")}" : null,
        $"--markdown={System.IO.Path.Combine(root.FullPath, artifacts, pipeline, "comparison.md")}"));

Task("Rollback")
    .Description("Makes an earlier model version production again (--to=N, default: the previous one).")
    .Does(() => Cli("models", "rollback", HasArgument("to") ? $"--to={Argument<string>("to")}" : null));

Task("DeleteModels")
    .Description("Deletes model versions' files (--models=3,v4); lists them and deletes nothing without --confirm; production only with --include-production. The registry keeps their history.")
    .Does(() =>
{
    var models = Argument<string>("models", null)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    if (models is not { Length: > 0 })
    {
        Error("DeleteModels needs --models=<versions>, e.g. --models=3,v4 (see the Models target)");
        System.Environment.Exit(UsageError);
    }

    Cli(models.Prepend("delete").Prepend("models")
        .Append(HasArgument("confirm") ? "--confirm" : null)
        .Append(HasArgument("include-production") ? "--include-production" : null)
        .ToArray());
});

Task("Experiments")
    .Description("Lists recorded runs with the parameters that differ and their metrics (--sort=METRIC[:asc], --filter=KEY=VALUE, --json, --all-params); --diff=A,B compares two runs or versions; --plot=A,B --out=FILE.svg overlays two versions' training curves.")
    .Does(() =>
{
    if (HasArgument("diff") || HasArgument("plot"))
    {
        var verb = HasArgument("diff") ? "diff" : "plot";
        var pair = Argument<string>(verb).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (pair.Length != 2)
        {
            Error($"--{verb} needs two runs or versions, e.g. --{verb}=v3,v5");
            System.Environment.Exit(UsageError);
        }

        Cli("experiments", verb, pair[0], pair[1],
            verb == "plot" ? $"--out={System.IO.Path.GetFullPath(Argument("out", "experiments.svg"), root.FullPath)}" : null,
            verb == "diff" && HasArgument("json") ? "--json" : null);
        return;
    }

    Cli(new[] { "experiments", HasArgument("sort") ? $"--sort={Argument<string>("sort")}" : null,
            HasArgument("json") ? "--json" : null, HasArgument("all-params") ? "--all-params" : null }
        .Concat(Arguments<string>("filter", Array.Empty<string>()).Select(filter => $"--filter={filter}"))
        .ToArray());
});

Task("RegistryGc")
    .Description("Removes a remote registry's unfinished uploads older than --min-age-minutes (default 60); never a registered version.")
    .Does(() => Cli("models", "gc", HasArgument("min-age-minutes") ? $"--min-age-minutes={Argument<string>("min-age-minutes")}" : null));

Task("Dashboard")
    .Description("Writes artifacts/<pipeline>/reports/dashboard.html (or --out=FILE): stage statuses, run history and model registry on one offline page; reads only, takes no lock.")
    .Does(() => Cli("dashboard", HasArgument("out") ? $"--out={Argument<string>("out")}" : null));

Task("CacheGc")
    .Description("Prunes the stage-output cache (--max-age-days=N and/or --max-size-mb=N), keeping what current stages and production/candidate models need.")
    .Does(() => Cli("cache", "gc",
        HasArgument("max-age-days") ? $"--max-age-days={Argument<string>("max-age-days")}" : null,
        HasArgument("max-size-mb") ? $"--max-size-mb={Argument<string>("max-size-mb")}" : null));

Task("Clean")
    .Description("Deletes every pipeline's stage outputs and reports and the compiled tools; never a model version or the registry.")
    .Does(() =>
{
    var home = System.IO.Path.Combine(root.FullPath, artifacts);
    var doomed = System.IO.Directory.Exists(home)
        ? System.IO.Directory.EnumerateDirectories(home)
            .SelectMany(folder => new[] { "stages", "reports" }.Select(part => System.IO.Path.Combine(folder, part)))
            .Where(System.IO.Directory.Exists)
            .ToList()
        : new List<string>();
    doomed.AddRange(new[] { cli.Directory, score.Directory, serve.Directory, precompiledCake.Directory }.Select(folder => folder.FullPath).Where(System.IO.Directory.Exists));
    foreach (var folder in doomed)
    {
        Information($"deleting {root.GetRelativePath(DirectoryPath.FromString(folder))}");
        DeleteDirectory(folder, new DeleteDirectorySettings { Recursive = true, Force = true });
    }

    Information("kept every model version and registry (artifacts/<pipeline>/models)");
});

// Cake refuses to skip the target task itself ("Could not reach target ... skipped due to a
// criteria", exit 1), so a target that can be skipped, a stage or a tool compile that is up to
// date, is reached through a final summary task; it can then be skipped like any other.
var stageTarget = stageNames.FirstOrDefault(s => s.Equals(target, StringComparison.OrdinalIgnoreCase));
var compileTarget = new[] { score, serve }.FirstOrDefault(t => t.CompileTask.Equals(target, StringComparison.OrdinalIgnoreCase));
if (compileTarget is not null)
{
    Task("Summary")
        .Description("Says where the compiled tool is.")
        .IsDependentOn(compileTarget.CompileTask)
        .Does(() =>
    {
        if (compileTarget.IsUpToDate)
        {
            Information($"{compileTarget.Assembly.GetFilename()} is up to date: {root.GetRelativePath(compileTarget.Assembly)}");
        }
    });
}
else if (stageTarget is not null)
{
    Task("Summary")
        .Description("Prints where the outputs are and the headline figures.")
        .IsDependentOn(stageTarget)
        .Does(() =>
    {
        if (stagesRun > 0 || graph!.RootElement.GetProperty("summary").ValueKind != JsonValueKind.Array)
        {
            Cli("summary");
            return;
        }

        foreach (var line in graph.RootElement.GetProperty("summary").EnumerateArray())
        {
            Information(line.GetString()!);
        }
    });
}

var known = stageNames.Concat(Tasks.Select(t => t.Name)).Distinct().ToList();
if (!known.Contains(target, StringComparer.OrdinalIgnoreCase))
{
    Error($"unknown target {target}; targets are: {string.Join(", ", known.Where(t => t != "Summary"))}");
    System.Environment.Exit(UsageError);
}

try
{
    RunTarget(stageTarget is not null || compileTarget is not null ? "Summary" : target);

    // Closes the build's run in the history, with its metrics; waited for, so it is there when the build returns.
    if (lockHolder is not null)
    {
        lockHolder.StandardInput.WriteLine("succeeded");
        lockHolder.StandardInput.Close();
        lockHolder.WaitForExit();
    }

    lockAhead?.Succeeded();
}
catch (Exception) when (failedWith != 0)
{
    // Cake reports every failure as 1; the CLI's own code says which kind it was.
    System.Environment.Exit(failedWith);
}

// ---------------------------------------------------------------------------------------------

// Builds the CLI if needed, takes the build's lock for a stage target, and asks for the graph with
// each stage's status in one call.
JsonDocument LoadGraph()
{
    if (!cli.IsUpToDate)
    {
        // The holder build.sh started runs the CLI about to be replaced: it lets go first.
        LockAhead.Dismiss(lockAheadHandle);
        lockAheadHandle = null;
        Information("Compiling the digitforge CLI (its sources changed)");
        cli.Build(Context);
    }

    precompiledCake.Ensure(Context);
    if (typeof(ICakeContext).Assembly.Location.StartsWith(precompiledCake.Directory.FullPath + "/", StringComparison.Ordinal))
    {
        Verbose("Cake runs precompiled from build/bin/cake");
    }

    var wantsStatus = !listingOnly && target is not ("Graph" or "Status" or "Verify" or "Models" or "Lineage" or "Compare" or "Rollback" or "CacheGc" or "DeleteModels" or "Experiments" or "RegistryGc" or "Dashboard");
    return wantsStatus
        ? HoldBuildLock()
        : JsonDocument.Parse(CliOutput(new ProcessArgumentBuilder().Append("graph").Append("--format=json")));
}

// One process holds the artifacts lock from here to the end of the build (it lets go when this
// process ends, however it ends); the stage processes run under it through its token. Once locked it
// restores what the stage cache holds and answers with the graph and each stage's status.
JsonDocument HoldBuildLock()
{
    var environment = new[] { "DIGITFORGE_RUN_ID", "DIGITFORGE_RUN_TARGET" }.ToDictionary(name => name, name => System.Environment.GetEnvironmentVariable(name));
    lockAhead = LockAhead.Adopt(lockAheadHandle, LockArguments().ToArray(), environment, message => Verbose(message));
    if (lockAhead is not null)
    {
        System.Environment.SetEnvironmentVariable("DIGITFORGE_BUILD_LOCK", lockAhead.Token);
        return JsonDocument.Parse(lockAhead.Graph);
    }

    var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var argument in LockArguments().Prepend("lock").Prepend(cli.Assembly.FullPath))
    {
        start.ArgumentList.Add(argument);
    }

    lockHolder = Process.Start(start)!;
    var line = lockHolder.StandardOutput.ReadLine();
    var graphLine = line is not null && line.StartsWith("locked ", StringComparison.Ordinal) ? lockHolder.StandardOutput.ReadLine() : null;
    if (graphLine is null)
    {
        lockHolder.WaitForExit();
        System.Environment.Exit(lockHolder.ExitCode == 0 ? 1 : lockHolder.ExitCode);
    }

    System.Environment.SetEnvironmentVariable("DIGITFORGE_BUILD_LOCK", line["locked ".Length..]);
    return JsonDocument.Parse(graphLine);
}

// What `digitforge lock` is given: the build's arguments, and what a build that waits is told.
IEnumerable<string> LockArguments() => CommonArguments()
    .Append("--graph")
    .Append("--purpose").Append($"./build.sh --pipeline={pipeline} --target={target}")
    .Append("--pid").Append(System.Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture))
    .Concat(HasArgument("no-wait") ? new[] { "--no-wait" } : Array.Empty<string>());

bool IsUpToDateNow(string stage)
{
    var line = CliOutput(new ProcessArgumentBuilder().Append("status").Append(stage).Append("--brief").Append("--restore")).Trim().Split('\n').Last();
    Information($"{stage}: {line}");
    return line.StartsWith("up to date", StringComparison.Ordinal) || line.StartsWith("restored from cache", StringComparison.Ordinal);
}

IEnumerable<string> CommonArguments()
{
    yield return "--root";
    yield return root.FullPath;
    yield return "--pipeline";
    yield return pipeline;
    if (configFile is not null)
    {
        yield return "--config";
        yield return configFile;
    }

    yield return "--artifacts";
    yield return artifacts;
    foreach (var setting in overrides)
    {
        yield return "--set";
        yield return setting;
    }
}

ProcessArgumentBuilder WithCommon(ProcessArgumentBuilder arguments)
{
    foreach (var argument in CommonArguments())
    {
        arguments.AppendQuoted(argument);
    }

    return arguments;
}

void Cli(params string[] verbAndArguments)
{
    var arguments = new ProcessArgumentBuilder().AppendQuoted(cli.Assembly.FullPath);
    foreach (var argument in verbAndArguments.Where(a => a is not null))
    {
        arguments.Append(argument);
    }

    Run("digitforge", WithCommon(arguments));
}

string CliOutput(ProcessArgumentBuilder verbAndArguments)
{
    var arguments = WithCommon(new ProcessArgumentBuilder().AppendQuoted(cli.Assembly.FullPath).Append(verbAndArguments.Render()));
    var exitCode = StartProcess("dotnet", new ProcessSettings { Arguments = arguments, RedirectStandardOutput = true }, out var lines);
    if (exitCode != 0)
    {
        // The CLI has said why on stderr; nothing has run yet.
        System.Environment.Exit(exitCode);
    }

    return string.Join("\n", lines);
}

void Run(string tool, ProcessArgumentBuilder arguments)
{
    var exitCode = StartProcess("dotnet", new ProcessSettings { Arguments = arguments });
    if (exitCode != 0)
    {
        failedWith = failedWith == 0 ? exitCode : failedWith;
        throw new CakeException(exitCode, $"{tool} failed with exit code {exitCode} (see docs/exit-codes.md)");
    }
}

string ModelsFolder() => System.IO.Path.Combine(root.FullPath, artifacts, pipeline, "models");

static int Distance(string a, string b)
{
    var row = Enumerable.Range(0, b.Length + 1).ToArray();
    for (var i = 1; i <= a.Length; i++)
    {
        var previous = row[0];
        row[0] = i;
        for (var j = 1; j <= b.Length; j++)
        {
            var current = row[j];
            row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
    }

    return row[b.Length];
}

/// <summary>
/// One of the three .NET tools this build compiles into build/bin, rebuilt only when the content of
/// its project, the projects it references (read from the .csproj files) or the shared build files
/// changed, so an up-to-date build does not pay for MSBuild's own no-op check.
/// </summary>
sealed class Tool
{
    private readonly DirectoryPath root;
    private readonly FilePath project;

    private readonly bool readyToRun;

    public Tool(DirectoryPath root, string project, string directory, string assembly, bool readyToRun = false, string compileTask = null)
    {
        this.root = root;
        this.readyToRun = readyToRun;
        CompileTask = compileTask;
        this.project = root.CombineWithFilePath(project);
        Directory = root.Combine(directory);
        Assembly = Directory.CombineWithFilePath(assembly);
    }

    public DirectoryPath Directory { get; }

    public FilePath Assembly { get; }

    /// <summary>The target that compiles this tool on its own (./build.sh --target=CompileScore); null for the CLI, which every build compiles.</summary>
    public string CompileTask { get; }

    private FilePath Stamp => Directory.CombineWithFilePath("sources.sha256");

    public bool IsUpToDate => System.IO.File.Exists(Assembly.FullPath) && System.IO.File.Exists(Stamp.FullPath)
        && System.IO.File.ReadAllText(Stamp.FullPath).Trim() == SourcesHash();

    public void Build(ICakeContext context)
    {
        // One compiler process per project (what UseSharedCompilation=false asks, as some CI machines
        // set) spends 3-5 s of each project's compile starting the compiler; this build runs its own
        // compiler server, under a name no other build uses, and stops it when the tool is compiled.
        // Analyzers (code style and quality rules) are not run again here: the solution's build runs them.
        var compilerServer = "digitforge-" + Guid.NewGuid().ToString("N");
        var compile = $"-nodeReuse:false -p:UseSharedCompilation=true -p:SharedCompilationId={compilerServer} -p:RunAnalyzers=false";
        try
        {
            Compile(context, compile);
        }
        finally
        {
            StopCompilerServer(context, compilerServer);
        }

        System.IO.File.WriteAllText(Stamp.FullPath, SourcesHash());
    }

    private void Compile(ICakeContext context, string arguments)
    {
        // A reused MSBuild node keeps the working directory of the build that started it, which may be gone since.
        if (readyToRun)
        {
            // ReadyToRun needs a runtime identifier: this machine's, with the installed runtime (not self-contained).
            context.DotNetPublish(project.FullPath, new DotNetPublishSettings
            {
                Configuration = "Release",
                OutputDirectory = Directory,
                NoLogo = true,
                Verbosity = DotNetVerbosity.Minimal,
                SelfContained = false,
                PublishReadyToRun = true,
                ArgumentCustomization = args => args.Append("--use-current-runtime").Append(arguments),
            });
        }
        else
        {
            context.DotNetBuild(project.FullPath, new DotNetBuildSettings
            {
                Configuration = "Release",
                OutputDirectory = Directory,
                NoLogo = true,
                Verbosity = DotNetVerbosity.Minimal,
                ArgumentCustomization = args => args.Append(arguments),
            });
        }
    }

    // Asks the server by its name to shut down (it finishes what it compiles first). Its executable is
    // the one the SDK started, so it is looked up among the running compiler servers.
    private static void StopCompilerServer(ICakeContext context, string name)
    {
        var executables = new HashSet<string>(StringComparer.Ordinal);
        foreach (var process in Process.GetProcessesByName("VBCSCompiler"))
        {
            using (process)
            {
                try
                {
                    executables.Add(process.MainModule!.FileName);
                }
                catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception or NullReferenceException)
                {
                    // Gone already, or another user's: not ours to stop.
                }
            }
        }

        foreach (var executable in executables)
        {
            context.StartProcess(executable, new ProcessSettings { Arguments = $"-shutdown -pipename:{name}", RedirectStandardOutput = true, RedirectStandardError = true });
        }
    }

    private string SourcesHash()
    {
        var shared = new[] { "global.json", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" }
            .Select(name => System.IO.Path.Combine(root.FullPath, name))
            .Concat(System.IO.Directory.EnumerateFiles(System.IO.Path.Combine(root.FullPath, "build", "msbuild"), "*", System.IO.SearchOption.AllDirectories));
        var sources = Projects(project.FullPath, new HashSet<string>())
            .SelectMany(csproj => System.IO.Directory.EnumerateFiles(System.IO.Path.GetDirectoryName(csproj)!, "*", System.IO.SearchOption.AllDirectories))
            .Where(file => !file.Contains("/bin/") && !file.Contains("/obj/") && !file.Contains("\\bin\\") && !file.Contains("\\obj\\"));
        using var sha = SHA256.Create();
        foreach (var file in shared.Concat(sources).Where(System.IO.File.Exists).Distinct().OrderBy(f => f, StringComparer.Ordinal))
        {
            var name = System.Text.Encoding.UTF8.GetBytes(System.IO.Path.GetRelativePath(root.FullPath, file).Replace('\\', '/') + "\n");
            sha.TransformBlock(name, 0, name.Length, null, 0);
            var content = System.IO.File.ReadAllBytes(file);
            sha.TransformBlock(content, 0, content.Length, null, 0);
        }

        sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
        return Convert.ToHexString(sha.Hash!).ToLowerInvariant();
    }

    // The project and every project it references, directly or not.
    private static IEnumerable<string> Projects(string csproj, HashSet<string> seen)
    {
        if (!seen.Add(System.IO.Path.GetFullPath(csproj)))
        {
            return Enumerable.Empty<string>();
        }

        var references = XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(reference => System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(csproj)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))))
            .ToList();
        return references.SelectMany(reference => Projects(reference, seen)).Prepend(System.IO.Path.GetFullPath(csproj)).ToList();
    }
}

/// <summary>
/// A copy of this Cake tool with its start-up assemblies precompiled (ReadyToRun), which build.sh
/// starts instead of the restored tool: Cake JIT-compiles about 3,100 methods at every start, about
/// 800 with these precompiled (an empty script 0.98 s against 0.80 s, medians of 9 alternating runs).
/// Made once per Cake version, with the crossgen2 that the CLI's own precompilation restored. Where
/// there is none for this runtime, or outside Linux (build.cmd starts Cake through the SDK), nothing
/// is made and the restored tool runs as before; a failure only warns.
/// </summary>
sealed class PrecompiledCake
{
    // What an up-to-date build's start JIT-compiled (DOTNET_JitDisasmSummary). Not Roslyn, which only
    // a changed script needs, nor NuGet's protocol and packaging, which only addins need.
    private static readonly string[] StartupAssemblies =
    {
        "Cake.dll", "Cake.Core.dll", "Cake.Cli.dll", "Cake.Common.dll", "Cake.NuGet.dll",
        "Spectre.Console.dll", "Spectre.Console.Cli.dll", "Spectre.Console.Ansi.dll",
        "Microsoft.Extensions.DependencyInjection.dll", "Microsoft.Extensions.DependencyInjection.Abstractions.dll",
        "NuGet.Frameworks.dll", "NuGet.Configuration.dll", "NuGet.Common.dll", "NuGet.Versioning.dll",
    };

    public PrecompiledCake(DirectoryPath directory) => Directory = directory;

    public DirectoryPath Directory { get; }

    // build.sh compares this file's text with the restored tool's folder before it starts the copy.
    private const string StampName = "source.txt";

    private string Stamp => System.IO.Path.Combine(Directory.FullPath, StampName);

    public void Ensure(ICakeContext context)
    {
        // The restored tool's folder, as build.sh found it (unset when Cake was started another way).
        var tool = System.Environment.GetEnvironmentVariable("DIGITFORGE_CAKE_TOOL");
        if (string.IsNullOrEmpty(tool) || !OperatingSystem.IsLinux() || !System.IO.Directory.Exists(tool)
            || (System.IO.File.Exists(Stamp) && System.IO.File.ReadAllText(Stamp) == tool))
        {
            return;
        }

        var runtime = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/');
        var packages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : System.IO.Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var crossgen = System.IO.Path.Combine(packages, $"microsoft.netcore.app.crossgen2.{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}",
            System.IO.Path.GetFileName(runtime), "tools", "crossgen2");
        if (!System.IO.File.Exists(crossgen))
        {
            context.Verbose($"Cake is not precompiled: no {crossgen} for this runtime");
            return;
        }

        context.Information("Precompiling the Cake tool into build/bin/cake (once per Cake version, for faster starts)");
        var temporary = Directory.FullPath + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            var inputs = System.IO.Path.Combine(temporary, "r2r");
            System.IO.Directory.CreateDirectory(inputs);
            // The whole tool, with its resource and runtime sub-folders, as the restored one is.
            foreach (var file in System.IO.Directory.EnumerateFiles(tool, "*", System.IO.SearchOption.AllDirectories))
            {
                var copy = System.IO.Path.Combine(temporary, System.IO.Path.GetRelativePath(tool, file));
                System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(copy)!);
                System.IO.File.Copy(file, copy);
            }

            var names = StartupAssemblies.Where(name => System.IO.File.Exists(System.IO.Path.Combine(tool, name))).ToList();
            names.ForEach(name => System.IO.File.Copy(System.IO.Path.Combine(tool, name), System.IO.Path.Combine(inputs, name)));
            var arguments = new ProcessArgumentBuilder();
            names.ForEach(name => arguments.AppendQuoted(System.IO.Path.Combine(inputs, name)));
            arguments.Append("--single-file-compilation --out-near-input -O")
                .Append($"--targetos:linux --targetarch:{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}")
                .AppendQuoted($"-r:{tool}/*.dll").AppendQuoted($"-r:{runtime}/*.dll");
            var exitCode = context.StartProcess(crossgen, new ProcessSettings { Arguments = arguments, RedirectStandardOutput = true, RedirectStandardError = true }, out var output, out var errors);
            if (exitCode != 0)
            {
                context.Warning($"Cake is not precompiled (crossgen2 exited with {exitCode}): {string.Join(" ", errors.Concat(output).TakeLast(5))}");
                return;
            }

            names.ForEach(name => System.IO.File.Move(System.IO.Path.Combine(inputs, System.IO.Path.ChangeExtension(name, ".ni.dll")), System.IO.Path.Combine(temporary, name), overwrite: true));
            System.IO.Directory.Delete(inputs, recursive: true);
            System.IO.File.WriteAllText(System.IO.Path.Combine(temporary, StampName), tool);
            if (System.IO.Directory.Exists(Directory.FullPath))
            {
                System.IO.Directory.Delete(Directory.FullPath, recursive: true);
            }

            // Whole or not at all: build.sh only starts a folder that has its stamp.
            System.IO.Directory.Move(temporary, Directory.FullPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Another build may have just made it; either way the restored tool still works.
            context.Warning($"Cake is not precompiled: {exception.Message}");
        }
        finally
        {
            if (System.IO.Directory.Exists(temporary))
            {
                System.IO.Directory.Delete(temporary, recursive: true);
            }
        }
    }
}

/// <summary>
/// The build's lock holder that build.sh started beside Cake (<c>digitforge lock-ahead</c>): it took
/// the lock and every stage's status while Cake started. This script adopts it over its Unix socket
/// when it read the build's arguments as this script does; otherwise it has let go and the script
/// starts <c>digitforge lock</c> itself, so it only ever saves time.
/// </summary>
sealed class LockAhead
{
    /// <summary>Set by build.sh: the holder's process id and its socket, in a private folder, as "pid:socket".</summary>
    public const string Variable = "DIGITFORGE_LOCK_AHEAD";

    private readonly Socket socket;
    private readonly System.IO.StreamReader reader;
    private readonly System.IO.StreamWriter writer;

    private LockAhead(Socket socket, System.IO.StreamReader reader, System.IO.StreamWriter writer, string token, string graph)
    {
        this.socket = socket;
        this.reader = reader;
        this.writer = writer;
        Token = token;
        Graph = graph;
    }

    public string Token { get; }

    /// <summary>The graph with every stage's status, as <c>lock --graph</c> prints it.</summary>
    public string Graph { get; }

    /// <summary>The holder, asked to hold the lock for these <c>lock</c> arguments; null when there is none or it declined (and let go).</summary>
    /// <param name="verbose">Told whether it was adopted, or why not (Cake's --verbosity=verbose shows it).</param>
    public static LockAhead Adopt(string handle, string[] lockArguments, Dictionary<string, string> environment, Action<string> verbose)
    {
        if (Connect(handle) is not { } socket)
        {
            return null;
        }

        var stream = new NetworkStream(socket);
        var reader = new System.IO.StreamReader(stream);
        var writer = new System.IO.StreamWriter(stream) { AutoFlush = true, NewLine = "\n" };
        try
        {
            writer.WriteLine(JsonSerializer.Serialize(new { arguments = lockArguments, environment }));
            while (reader.ReadLine() is { } line)
            {
                if (line.StartsWith("locked ", StringComparison.Ordinal) && reader.ReadLine() is { } graph)
                {
                    verbose("adopted the lock holder build.sh started");
                    return new LockAhead(socket, reader, writer, line["locked ".Length..], graph);
                }

                if (line.StartsWith("declined: ", StringComparison.Ordinal))
                {
                    verbose($"the lock holder build.sh started {line}");
                    break;
                }

                // What it said while restoring stages from the cache.
                Console.Error.WriteLine(line);
            }
        }
        catch (System.IO.IOException ex)
        {
            // It went away: it held nothing then.
            verbose($"the lock holder build.sh started went away: {ex.Message}");
        }

        socket.Dispose();
        return null;
    }

    /// <summary>Has the holder let go, when the CLI it runs is about to be rebuilt.</summary>
    public static void Dismiss(string handle) => Adopt(handle, Array.Empty<string>(), new Dictionary<string, string>(), _ => { });

    /// <summary>The build succeeded: the holder closes its run in the history, lets go of the lock, then hangs up.</summary>
    public void Succeeded()
    {
        writer.WriteLine("succeeded");
        socket.Shutdown(SocketShutdown.Send);
        while (reader.ReadLine() is { } line)
        {
            Console.Error.WriteLine(line);
        }

        socket.Dispose();
    }

    private static Socket Connect(string handle)
    {
        var separator = handle?.IndexOf(':') ?? -1;
        if (separator < 0)
        {
            return null;
        }

        var pid = int.Parse(handle[..separator], System.Globalization.CultureInfo.InvariantCulture);
        var path = handle[(separator + 1)..];
        var folder = System.IO.Path.GetDirectoryName(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (true)
        {
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(path));
                return socket;
            }
            catch (SocketException) when (System.IO.Directory.Exists(folder) && !System.IO.File.Exists(path) && !HasEnded(pid) && DateTime.UtcNow < deadline)
            {
                // Not listening yet: it makes its socket first thing, well before Cake gets here.
                System.Threading.Thread.Sleep(10);
            }
            catch (SocketException)
            {
                // Refused: it has let go (it never holds the lock without listening). Missing for
                // too long: it is stuck, and the lock it may hold goes with it.
                socket.Dispose();
                if (!HasEnded(pid))
                {
                    try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
                }

                try { System.IO.Directory.Delete(folder, recursive: true); } catch (System.IO.IOException) { }
                return null;
            }
        }
    }

    // It is this process's child (build.sh started it, then became Cake), so once ended it is a zombie until Cake ends.
    private static bool HasEnded(int pid)
    {
        try
        {
            var stat = System.IO.File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] == 'Z';
        }
        catch (System.IO.IOException)
        {
            return System.IO.Directory.Exists("/proc/self");
        }
    }
}
