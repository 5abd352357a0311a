// DigitForge's build: one Cake task per stage of the chosen pipeline plus the tool targets. This
// script only wires. The `digitforge` CLI decides everything else (src/DigitForge.Cli/Build): it
// reads the arguments against its catalogue of targets and arguments, takes the artifacts lock,
// checks each stage and answers with the plan the tasks below are made from.
//
//   ./build.sh [--pipeline=mnist|hn] [--target=STAGE] [--set=train.epochs=20 ...]   (default: the last stage)
//   ./build.sh --target=Help        every target and argument
//
// Exit codes are the CLI's, passed through unchanged (docs/exit-codes.md).

using System.Diagnostics;
using System.Text.Json;

// Cake runs with the script's folder as working directory; everything is relative to the repository.
var root = MakeAbsolute(Directory("..")).FullPath;
var cli = System.IO.Path.Combine(root, "build", "bin", "cli", "digitforge.dll");

// What this script and the CLI's build planner agree on (the plan's shape); a CLI compiled for
// another version of this script, or before there was a planner, is compiled again.
const string PlannerProtocol = "3";
var protocolFile = System.IO.Path.Combine(root, "build", "bin", "cli", "build-plan.protocol");

// Cake's own listing modes run this script too; they must not lock, restore or run anything.
var listing = System.Environment.GetCommandLineArgs().Any(a => a is "--dryrun" or "--noop" or "--whatif" or "--tree" or "--description" or "--showdescription");

// Cake's own options (--verbosity, --description, ...) never reach the script's arguments.
var buildArguments = Context.Arguments.GetArguments()
    .SelectMany(argument => argument.Value.Select(value => $"--{argument.Key}={value}"))
    .ToList();

// The exit code of the first command that failed: what the build exits with.
var failedWith = 0;

// Stages this build ran: none means the summary taken when the build started still holds.
var stagesRun = 0;
JsonElement? opened = null;

// The planner answers with the plan and holds the build's lock until its input closes. Kept referenced
// to the end: a collected stream finalizes the input, releasing the lock mid-build.
TextReader fromPlanner = null;
TextWriter toPlanner = null;
var plan = JsonDocument.Parse(StartPlanner() ?? CompileCli() ?? throw new CakeException(1, "the digitforge CLI still reports stale sources after compiling it"));
// Taken: the planner opens the build's run (a plan that is not taken, opens none).
toPlanner.Write(plan.RootElement.GetProperty("opens").GetBoolean() ? "proceed\n" : string.Empty);

foreach (var variable in plan.RootElement.GetProperty("environment").EnumerateObject())
{
    System.Environment.SetEnvironmentVariable(variable.Name, variable.Value.GetString());
}

if (typeof(ICakeContext).Assembly.Location.Contains("/build/bin/cake/", StringComparison.Ordinal))
{
    Verbose("Cake runs precompiled from build/bin/cake");
}

// build.sh started Cake without two runtime features that cost start-up time; every process the
// build starts from here on gets the user's settings back.
foreach (var name in new[] { "DOTNET_EnableWriteXorExecute", "DOTNET_TieredPGO" })
{
    if (System.Environment.GetEnvironmentVariable("DIGITFORGE_RESTORE_" + name) is { } saved)
    {
        System.Environment.SetEnvironmentVariable(name, saved == "unset" ? null : saved);
        System.Environment.SetEnvironmentVariable("DIGITFORGE_RESTORE_" + name, null);
    }
}

foreach (var planned in plan.RootElement.GetProperty("tasks").EnumerateArray())
{
    var name = planned.GetProperty("name").GetString()!;
    var task = Task(name).Description(planned.GetProperty("description").GetString()!);
    foreach (var upstream in planned.GetProperty("upstreams").EnumerateArray())
    {
        task.IsDependentOn(upstream.GetString()!);
    }

    if (planned.TryGetProperty("skip", out var skip) && skip.ValueKind == JsonValueKind.String)
    {
        task.WithCriteria(false, skip.GetString()!);
    }

    if (planned.TryGetProperty("recheck", out var recheck) && recheck.ValueKind == JsonValueKind.Array)
    {
        task.WithCriteria(() => !IsUpToDateNow(name, Strings(recheck)), "up to date once its upstream ran (the line above says why)");
    }

    var isStage = planned.TryGetProperty("stage", out var stage) && stage.GetBoolean();
    if (planned.TryGetProperty("printed", out var printed))
    {
        // The summary: as the build found it (given with the plan, or once the run was opened), unless a stage has run since.
        task.Does(() =>
        {
            if (stagesRun > 0)
            {
                Run(Strings(planned.GetProperty("command")));
                return;
            }

            foreach (var line in (printed.ValueKind == JsonValueKind.Array ? printed : Opened()).EnumerateArray())
            {
                Information(line.GetString()!);
            }
        });
    }
    else if (planned.TryGetProperty("command", out var command) && command.ValueKind == JsonValueKind.Array)
    {
        task.Does(() =>
        {
            if (isStage)
            {
                Opened();
                stagesRun++;
            }

            Run(Strings(command));
        });
    }
}

try
{
    RunTarget(plan.RootElement.GetProperty("reached").GetString()!);

    // Closes the build's run in the history, with its metrics; waited for, so it is there when the build returns.
    if (plan.RootElement.GetProperty("holdsLock").GetBoolean())
    {
        toPlanner.WriteLine("succeeded");
    }

    toPlanner.Close();
    // Its output ends when it does (build.sh's planner is not this process's child to wait for).
    fromPlanner.ReadToEnd();
}
catch (Exception) when (failedWith != 0)
{
    // Cake reports every failure as 1; the command's own code says which kind it was.
    System.Environment.Exit(failedWith);
}

// The CLI's answer to this build's arguments, the plan; null when it must be compiled first (missing,
// or its sources changed). A usage error, or a lock another build holds with --no-wait, ends the build here.
string StartPlanner()
{
    if (System.Environment.GetEnvironmentVariable("DIGITFORGE_PLANNER_FDS") == "3,4")
    {
        // build.sh's planner. No process this build starts may inherit its input: that would hold the lock past the build.
        System.Environment.SetEnvironmentVariable("DIGITFORGE_PLANNER_FDS", null);
        fcntl(3, 2, 1); fcntl(4, 2, 1); // F_SETFD, FD_CLOEXEC
        fromPlanner = new StreamReader(new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(3, ownsHandle: true), FileAccess.Read, 1));
        toPlanner = new StreamWriter(new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(4, ownsHandle: true), FileAccess.Write, 1)) { AutoFlush = true };
        var answer = FromPlanner();
        if (answer == "stale" || SameArguments(JsonDocument.Parse(answer).RootElement))
        {
            return answer == "stale" ? null : answer;
        }

        // It read the command line otherwise than Cake did: it ends, and is asked again.
        toPlanner.Close();
        fromPlanner.ReadToEnd();
    }

    if (!System.IO.File.Exists(cli) || !System.IO.File.Exists(protocolFile) || System.IO.File.ReadAllText(protocolFile).Trim() != PlannerProtocol)
    {
        return null;
    }

    var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var argument in new[] { cli, "build-plan", "--root", root }.Concat(listing ? new[] { "--listing" } : Array.Empty<string>()).Append("--").Concat(buildArguments))
    {
        start.ArgumentList.Add(argument);
    }

    var planner = Process.Start(start)!;
    fromPlanner = planner.StandardOutput;
    toPlanner = planner.StandardInput;
    var first = FromPlanner();
    return first == "stale" ? null : first;
}

// The planner's next line; a planner that failed (and said why) or died ends the build with its exit code.
string FromPlanner()
{
    var line = fromPlanner.ReadLine();
    if (line is null || line.StartsWith("{\"exit\":", StringComparison.Ordinal))
    {
        var exitCode = line is null ? 1 : JsonDocument.Parse(line).RootElement.GetProperty("exit").GetInt32();
        System.Environment.Exit(exitCode == 0 ? 1 : exitCode);
    }

    return line;
}

[System.Runtime.InteropServices.DllImport("libc")]
static extern int fcntl(int fd, int command, int argument);

bool SameArguments(JsonElement answer) =>
    answer.GetProperty("listing").GetBoolean() == listing
    && Strings(answer.GetProperty("arguments")).Order(StringComparer.Ordinal).SequenceEqual(buildArguments.Order(StringComparer.Ordinal));

// Compiles the CLI (precompiled, ReadyToRun: it starts several times per build) with the tools'
// shared compile arguments, then asks again.
string CompileCli()
{
    Information("Compiling the digitforge CLI (its sources changed)");
    var server = "digitforge-" + Guid.NewGuid().ToString("N");
    Run(new[] { "publish", System.IO.Path.Combine(root, "src/DigitForge.Cli/DigitForge.Cli.csproj"), "@" + System.IO.Path.Combine(root, "build/tools.rsp"),
        "-o", System.IO.Path.GetDirectoryName(cli), "--use-current-runtime", "--self-contained", "false", "-p:PublishReadyToRun=true", $"-p:SharedCompilationId={server}" });
    Run(new[] { cli, "tools", "compiled", "cli", "--compiler-server", server, "--root", root });
    System.IO.File.WriteAllText(protocolFile, PlannerProtocol);
    return StartPlanner();
}

// The summary the planner sends once it has opened the build's run in the history; read before
// the first stage runs, so no stage records into a run that is not open yet.
JsonElement Opened()
{
    opened ??= plan.RootElement.GetProperty("opens").GetBoolean()
        ? JsonDocument.Parse(FromPlanner()).RootElement.GetProperty("printed")
        : JsonDocument.Parse("[]").RootElement;
    return opened.Value;
}

bool IsUpToDateNow(string stage, string[] status)
{
    Opened();
    var exitCode = StartProcess("dotnet", new ProcessSettings { Arguments = Quoted(status), RedirectStandardOutput = true }, out var lines);
    if (exitCode != 0)
    {
        // The CLI has said why on stderr; the stage has not run.
        System.Environment.Exit(exitCode);
    }

    var line = lines.LastOrDefault() ?? string.Empty;
    Information($"{stage}: {line}");
    return line.StartsWith("up to date", StringComparison.Ordinal) || line.StartsWith("restored from cache", StringComparison.Ordinal);
}

void Run(string[] command)
{
    var exitCode = StartProcess("dotnet", new ProcessSettings { Arguments = Quoted(command) });
    if (exitCode != 0)
    {
        failedWith = failedWith == 0 ? exitCode : failedWith;
        throw new CakeException(exitCode, $"{System.IO.Path.GetFileNameWithoutExtension(command[0])} failed with exit code {exitCode} (see docs/exit-codes.md)");
    }
}

static string[] Strings(JsonElement array) => array.EnumerateArray().Select(item => item.GetString()!).ToArray();

static ProcessArgumentBuilder Quoted(IEnumerable<string> arguments) =>
    arguments.Aggregate(new ProcessArgumentBuilder(), (builder, argument) => builder.AppendQuoted(argument));
