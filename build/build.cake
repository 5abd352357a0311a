// DigitForge's stage graph. The work lives in src/ behind the `digitforge` CLI; this script only
// wires stages together, decides which are up to date, and passes arguments through.
//
//   ./build.sh --target=Evaluate [--config=configs/default.json] [--set=train.epochs=20 ...]
//              [--artifacts=artifacts] [--rerun]
//   ./build.sh --target=Promote [--force]      quality gate; --force promotes even if it rejects
//   ./build.sh --target=Models | Lineage [--model=N] | Rollback [--to=N] | Compare [--base=N --candidate=M]
//   ./build.sh --target=CacheGc --max-age-days=30 [--max-size-mb=2000]
//   ./build.sh --target=Score --input=<folder> | Serve [--port=8080]

using System.Security.Cryptography;

var target = Argument("target", "Evaluate");
var configFile = Argument("config", "configs/default.json");
var overrides = Arguments<string>("set", Array.Empty<string>());
var artifacts = Argument("artifacts", "artifacts");
var rerun = HasArgument("rerun");
var forcePromotion = HasArgument("force");

// Cake runs with the script's folder as working directory; everything else is relative to the repo root.
var root = MakeAbsolute(Directory(".."));
var cliDirectory = root.Combine("build/bin/cli");
var cliAssembly = cliDirectory.CombineWithFilePath("digitforge.dll");
var cliStamp = cliDirectory.CombineWithFilePath("sources.sha256");

// What the CLI is built from: its projects (not the scoring tool's own two, which it does not reference).
var cliSources = new[] { "Cli", "Engine", "Data", "Training", "Evaluation", "Registry", "Inference", "Storage", "Reporting" }
    .SelectMany(project => new[] { $"src/DigitForge.{project}/**/*.cs", $"src/DigitForge.{project}/*.csproj" })
    .Concat(new[] { "build/msbuild/**/*", "Directory.*.props", "Directory.*.targets", "global.json" })
    .ToArray();

// The pipeline's stages, in dependency order: each reads outputs of the one before it.
var stages = new[] { "Ingest", "Preprocess", "Train", "Evaluate", "Promote", "Report" };
var stageTasks = new Dictionary<string, CakeTaskBuilder>();

// ---------------------------------------------------------------------------------------------
// The CLI is rebuilt only when its sources change (a content hash, like every stage), so an
// up-to-date build does not pay for MSBuild's own no-op check.

Task("Compile")
    .Description("Builds the digitforge CLI when its sources changed.")
    .WithCriteria(() => !FileExists(cliAssembly) || !FileExists(cliStamp)
        || System.IO.File.ReadAllText(cliStamp.FullPath).Trim() != SourcesHash(cliSources), "CLI up to date")
    .Does(() =>
{
    DotNetBuild(root.CombineWithFilePath("src/DigitForge.Cli/DigitForge.Cli.csproj").FullPath, new DotNetBuildSettings
    {
        Configuration = "Release",
        OutputDirectory = cliDirectory,
        NoLogo = true,
        Verbosity = DotNetVerbosity.Minimal,
    });
    System.IO.File.WriteAllText(cliStamp.FullPath, SourcesHash(cliSources));
});

// ---------------------------------------------------------------------------------------------
// Pipeline stages. A stage's freshness can only be judged once its upstream has finished, so
// each stage gets its skip criteria from the task teardown of the task before it (see below).

var previous = "Compile";
foreach (var stage in stages)
{
    var name = stage;
    stageTasks[name] = Task(name)
        .Description($"Runs the {name} stage unless it is up to date.")
        .IsDependentOn(previous)
        .Does(() => Cli("run", name, rerun ? "--rerun" : null, name == "Promote" && forcePromotion ? "--force" : null));
    previous = name;
}

// ---------------------------------------------------------------------------------------------
// Batch scoring with the registry's production model (ONNX Runtime only; no TorchSharp):
//   ./build.sh --target=Score --input=<folder> [--out=predictions.csv] [--recursive] [--resume] [--raw] [--overwrite] [--fail-on-drift]

var scoreDirectory = root.Combine("build/bin/score");
var scoreStamp = scoreDirectory.CombineWithFilePath("sources.sha256");
var scoreSources = new[] { "src/DigitForge.Score/**/*", "src/DigitForge.Scoring/**/*", "src/DigitForge.Inference/**/*", "src/DigitForge.Registry/**/*", "src/DigitForge.Engine/**/*", "src/DigitForge.Data/**/*", "build/msbuild/**/*", "Directory.*.props", "Directory.*.targets", "global.json" };

Task("CompileScore")
    .Description("Builds the digitforge-score tool when its sources changed.")
    .WithCriteria(() => !FileExists(scoreStamp) || System.IO.File.ReadAllText(scoreStamp.FullPath).Trim() != SourcesHash(scoreSources), "scoring tool up to date")
    .Does(() =>
{
    DotNetBuild(root.CombineWithFilePath("src/DigitForge.Score/DigitForge.Score.csproj").FullPath, new DotNetBuildSettings
    {
        Configuration = "Release",
        OutputDirectory = scoreDirectory,
        NoLogo = true,
        Verbosity = DotNetVerbosity.Minimal,
    });
    System.IO.File.WriteAllText(scoreStamp.FullPath, SourcesHash(scoreSources));
});

Task("Score")
    .Description("Scores a folder of images (--input=DIR) with the production model of the artifacts' registry.")
    .IsDependentOn("CompileScore")
    .Does(() =>
{
    var input = Argument<string>("input", null) ?? throw new CakeException("Score needs --input=<folder of images>");

    // Cake runs in build/: relative paths are taken from the repository root, like --artifacts.
    var arguments = new ProcessArgumentBuilder()
        .AppendQuoted(scoreDirectory.CombineWithFilePath("digitforge-score.dll").FullPath)
        .AppendQuoted(System.IO.Path.GetFullPath(input, root.FullPath))
        .AppendSwitchQuoted("--models-root", " ", System.IO.Path.Combine(root.FullPath, artifacts, "models"))
        .AppendSwitchQuoted("--out", " ", System.IO.Path.GetFullPath(Argument("out", "predictions.csv"), root.FullPath));
    foreach (var flag in new[] { "recursive", "resume", "raw", "overwrite", "fail-on-drift" }.Where(HasArgument))
    {
        arguments.Append($"--{flag}");
    }

    var exitCode = StartProcess("dotnet", new ProcessSettings { Arguments = arguments });
    if (exitCode == 4)
    {
        Warning("Score: some files could not be scored; each has an error row in the output");
    }
    else if (exitCode != 0)
    {
        throw new CakeException($"digitforge-score failed (exit code {exitCode}{(exitCode == 5 ? ": drift detected" : string.Empty)})");
    }
});

// ---------------------------------------------------------------------------------------------
// Real-time predictions with the registry's production model (ONNX Runtime only; no TorchSharp):
//   ./build.sh --target=Serve [--port=8080] [--urls=...] [--api-key=...]

var serveDirectory = root.Combine("build/bin/serve");
var serveStamp = serveDirectory.CombineWithFilePath("sources.sha256");
var serveSources = scoreSources.Append("src/DigitForge.Serve/**/*").ToArray();

Task("CompileServe")
    .Description("Builds the digitforge-serve service when its sources changed.")
    .WithCriteria(() => !FileExists(serveStamp) || System.IO.File.ReadAllText(serveStamp.FullPath).Trim() != SourcesHash(serveSources), "service up to date")
    .Does(() =>
{
    DotNetBuild(root.CombineWithFilePath("src/DigitForge.Serve/DigitForge.Serve.csproj").FullPath, new DotNetBuildSettings
    {
        Configuration = "Release",
        OutputDirectory = serveDirectory,
        NoLogo = true,
        Verbosity = DotNetVerbosity.Minimal,
    });
    System.IO.File.WriteAllText(serveStamp.FullPath, SourcesHash(serveSources));
});

Task("Serve")
    .Description("Serves the production model of the artifacts' registry over HTTP on 127.0.0.1 (--port=N, default 8080) until Ctrl+C.")
    .IsDependentOn("CompileServe")
    .Does(() =>
{
    var arguments = new ProcessArgumentBuilder()
        .AppendQuoted(serveDirectory.CombineWithFilePath("digitforge-serve.dll").FullPath)
        .AppendSwitchQuoted("--models-root", " ", System.IO.Path.Combine(root.FullPath, artifacts, "models"));
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

    var exitCode = StartProcess("dotnet", new ProcessSettings { Arguments = arguments });
    if (exitCode != 0)
    {
        throw new CakeException($"digitforge-serve failed (exit code {exitCode})");
    }
});

Task("Status")
    .Description("Shows each stage as up to date or stale, and why, without running anything.")
    .IsDependentOn("Compile")
    .Does(() => Cli("status"));

Task("Verify")
    .Description("Retrains the current recipe (or, with --model=N|production, a registered version's recorded recipe) in a scratch folder and checks weights and metrics are bit-identical.")
    .IsDependentOn("Compile")
    .Does(() => Cli("verify", HasArgument("model") ? $"--model={Argument<string>("model")}" : null));

Task("Models")
    .Description("Lists model versions with stage, accuracy and date.")
    .IsDependentOn("Compile")
    .Does(() => Cli("models"));

Task("Lineage")
    .Description("Shows one model version's lineage, metrics, files and history (--model=N, default: production; Cake reserves --version).")
    .IsDependentOn("Compile")
    .Does(() => Cli("models", "show", HasArgument("model") ? Argument<string>("model") : null));

Task("Compare")
    .Description("Compares two model versions' test metrics (--base=N, default production; --candidate=M, default the newest other); writes artifacts/comparison.md.")
    .IsDependentOn("Compile")
    .Does(() => Cli("models", "compare",
        HasArgument("base") ? $"--base={Argument<string>("base")}" : null,
        HasArgument("candidate") ? $"--candidate={Argument<string>("candidate")}" : null,
        $"--markdown={System.IO.Path.Combine(root.FullPath, artifacts, "comparison.md")}"));

Task("Rollback")
    .Description("Makes an earlier model version production again (--to=N, default: the previous one).")
    .IsDependentOn("Compile")
    .Does(() => Cli("models", "rollback", HasArgument("to") ? $"--to={Argument<string>("to")}" : null));

Task("CacheGc")
    .Description("Prunes the stage-output cache (--max-age-days=N and/or --max-size-mb=N), keeping what current stages and production/candidate models need.")
    .IsDependentOn("Compile")
    .Does(() => Cli("cache", "gc",
        HasArgument("max-age-days") ? $"--max-age-days={Argument<string>("max-age-days")}" : null,
        HasArgument("max-size-mb") ? $"--max-size-mb={Argument<string>("max-size-mb")}" : null));

Task("Clean")
    .Description("Deletes pipeline outputs (the artifacts folder) and the compiled CLI.")
    .Does(() =>
{
    CleanDirectory(System.IO.Path.Combine(root.FullPath, artifacts));
    if (DirectoryExists(cliDirectory))
    {
        DeleteDirectory(cliDirectory, new DeleteDirectorySettings { Recursive = true, Force = true });
    }
});

TaskTeardown(context =>
{
    if (!context.Successful || rerun || !stages.Contains(target, StringComparer.OrdinalIgnoreCase))
    {
        return;
    }

    var index = Array.IndexOf(stages, context.Task.Name);
    var next = context.Task.Name == "Compile" ? stages[0] : index >= 0 && index + 1 < stages.Length ? stages[index + 1] : null;

    // A forced promotion must reach the gate even when nothing upstream changed.
    if (next == "Promote" && forcePromotion)
    {
        return;
    }

    if (next is not null && IsUpToDate(next, out var reason))
    {
        stageTasks[next].WithCriteria(false, reason);
    }
});

// Cake refuses to skip the target task itself, so a stage named as the target is reached
// through a final summary task; the stage can then be skipped like any other.
if (stages.Contains(target, StringComparer.OrdinalIgnoreCase))
{
    Task("Summary")
        .Description("Prints where the outputs are and the headline figures.")
        .IsDependentOn(stages.First(s => s.Equals(target, StringComparison.OrdinalIgnoreCase)))
        .Does(() => Cli("summary"));
    RunTarget("Summary");
}
else
{
    RunTarget(target);
}

// ---------------------------------------------------------------------------------------------

void Cli(params string[] verbAndArguments)
{
    var arguments = new ProcessArgumentBuilder();
    foreach (var argument in verbAndArguments.Where(a => a is not null))
    {
        arguments.Append(argument);
    }

    arguments.AppendSwitchQuoted("--root", " ", root.FullPath);
    arguments.AppendSwitchQuoted("--config", " ", configFile);
    arguments.AppendSwitchQuoted("--artifacts", " ", artifacts);
    foreach (var setting in overrides)
    {
        arguments.AppendSwitchQuoted("--set", " ", setting);
    }

    DotNetExecute(cliAssembly, arguments);
}

bool IsUpToDate(string stage, out string reason)
{
    // --restore: a stage built before with the same fingerprint (local cache or remote) is restored, not re-run.
    var arguments = $"\"{cliAssembly.FullPath}\" status {stage} --brief --restore --root \"{root.FullPath}\" --config \"{configFile}\" --artifacts \"{artifacts}\""
        + string.Concat(overrides.Select(s => $" --set \"{s}\""));
    var exitCode = StartProcess("dotnet", new ProcessSettings { Arguments = arguments, RedirectStandardOutput = true }, out var lines);
    var line = lines.LastOrDefault() ?? string.Empty;
    if (exitCode != 0)
    {
        throw new CakeException($"digitforge status {stage} failed (exit code {exitCode}): {line}");
    }

    Information($"{stage}: {line}");
    reason = line;
    return line.StartsWith("up to date", StringComparison.Ordinal) || line.StartsWith("restored from cache", StringComparison.Ordinal);
}

string SourcesHash(IEnumerable<string> patterns)
{
    var files = patterns.SelectMany(pattern => GetFiles(root.FullPath + "/" + pattern)).Distinct();
    using var sha = SHA256.Create();
    foreach (var file in files.Where(f => !f.FullPath.Contains("/bin/") && !f.FullPath.Contains("/obj/"))
                              .OrderBy(f => f.FullPath, StringComparer.Ordinal))
    {
        var name = System.Text.Encoding.UTF8.GetBytes(root.GetRelativePath(file).FullPath + "\n");
        sha.TransformBlock(name, 0, name.Length, null, 0);
        var content = System.IO.File.ReadAllBytes(file.FullPath);
        sha.TransformBlock(content, 0, content.Length, null, 0);
    }

    sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
    return Convert.ToHexString(sha.Hash!).ToLowerInvariant();
}
