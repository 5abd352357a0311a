using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using DigitForge.Engine.Storage;
using Newtonsoft.Json;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge lock-ahead SOCKET --pid N -- BUILD-ARGUMENTS</c>: the build's lock holder started by
/// build.sh beside Cake, so that this process's start, the lock and every stage's status overlap
/// Cake's own start (about a second) instead of following it. It reads build.sh's arguments as the
/// build script will, takes the lock without waiting and checks every stage without writing
/// anything, then waits on the Unix socket SOCKET. The script adopts it by sending the arguments it
/// would give <c>lock --graph</c>; when they are the same, it answers as <c>lock --graph</c> does
/// (restoring from the stage cache first when a stage is stale) and holds the lock to the end of the
/// build. Anything unusual (an argument it does not read, a target that is not a stage, the lock
/// busy, different arguments, the build gone) and it lets go and says why, and the script starts
/// <c>lock</c> as before: it saves time, it never decides anything.
/// </summary>
public static class LockAheadCommand
{
    // The build script's arguments this reads (besides --set); any other and it declines.
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "target", "pipeline", "config", "artifacts", "no-wait", "rerun", "force", "require-promotion", "verbosity",
    };

    public static Command Create()
    {
        var socket = new Argument<string>("socket") { Description = "The socket to listen on, alone in a private folder that build.sh made for it (deleted at the end)." };
        var pid = new Option<int>("--pid") { Description = "The build's process: build.sh, which becomes Cake.", Required = true };
        var buildArguments = new Argument<string[]>("build-arguments") { Description = "build.sh's arguments, after --.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("lock-ahead", "Take the build's lock and every stage's status while Cake starts (started by build.sh).") { socket, pid, buildArguments };
        command.SetAction(result =>
        {
            var socketPath = Path.GetFullPath(result.GetValue(socket)!);
            try
            {
                Hold(socketPath, result.GetValue(pid), result.GetValue(buildArguments) ?? []);
            }
            finally
            {
                var folder = Path.GetDirectoryName(socketPath)!;
                Folders.DeleteQuietly(folder);
                DeleteAbandoned(folder, DateTime.UtcNow - TimeSpan.FromHours(1));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// build.sh's arguments as build/build.cake reads them: the target and what it gives <c>lock</c>;
    /// null when one of them is beyond what this reads (then the script decides alone).
    /// </summary>
    public static BuildArguments? Read(IReadOnlyList<string> buildArguments, string root, int pid)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var settings = new List<string>();
        foreach (var argument in buildArguments)
        {
            if (!argument.StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }

            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            var name = (equals < 0 ? argument[2..] : argument[2..equals]).ToLowerInvariant();
            var value = equals < 0 ? null : argument[(equals + 1)..];
            if (name == "set" && value is not null)
            {
                settings.Add(value);
            }
            else if (!Known.Contains(name) || !values.TryAdd(name, value))
            {
                return null;
            }
        }

        // Cake reads a bare --name as the value "true"; only the flags are taken that way here.
        if (new[] { "target", "pipeline", "config", "artifacts" }.Any(name => values.TryGetValue(name, out var value) && value is null))
        {
            return null;
        }

        var target = values.GetValueOrDefault("target") ?? "Report";
        var pipeline = values.GetValueOrDefault("pipeline") ?? "mnist";
        var purpose = $"./build.sh --pipeline={pipeline} --target={target}";
        var lockArguments = new List<string> { "--root", root, "--pipeline", pipeline };
        if (values.GetValueOrDefault("config") is { } config)
        {
            lockArguments.AddRange(["--config", config]);
        }

        lockArguments.AddRange(["--artifacts", values.GetValueOrDefault("artifacts") ?? "artifacts"]);
        lockArguments.AddRange(settings.SelectMany(setting => new[] { "--set", setting }));
        lockArguments.AddRange(["--graph", "--purpose", purpose, "--pid", pid.ToString(CultureInfo.InvariantCulture)]);
        if (values.ContainsKey("no-wait"))
        {
            lockArguments.Add("--no-wait");
        }

        return new BuildArguments(target, purpose, lockArguments);
    }

    /// <summary>
    /// Deletes the sibling socket folders of <paramref name="folder"/> (build.sh's mktemp folders,
    /// named alike up to their random suffix, e.g. <c>digitforge-lock.*</c>) last written before
    /// <paramref name="before"/>: a build killed together with its holder (kill -9 of the process
    /// group) leaves its folder behind. A folder is only needed for the seconds until the script
    /// adopts its holder, so one an hour old is abandoned.
    /// </summary>
    public static void DeleteAbandoned(string folder, DateTime before)
    {
        var name = Path.GetFileName(folder);
        var prefix = name[..(name.LastIndexOf('.') + 1)];
        if (prefix.Length == 0)
        {
            return;
        }

        try
        {
            foreach (var sibling in Directory.EnumerateDirectories(Path.GetDirectoryName(folder)!, prefix + "*"))
            {
                if (Directory.GetLastWriteTimeUtc(sibling) < before)
                {
                    Folders.DeleteQuietly(sibling);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Tidying up is best effort; the next holder tries again.
        }
    }

    private static void Hold(string socketPath, int pid, IReadOnlyList<string> buildArguments)
    {
        // Listening first: the script waits for the socket only while this process has not made it.
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);
        if (Read(buildArguments, Directory.GetCurrentDirectory(), pid) is not { } build)
        {
            return;
        }

        var result = CommandLine.Build().Parse(["lock", .. build.LockArguments]);
        BuildLock? held = null;
        Socket? connection = null;
        try
        {
            var graph = CommonOptions.Graph(result);
            if (!graph.Stages.Any(stage => stage.Name.Equals(build.Target, StringComparison.OrdinalIgnoreCase)))
            {
                return;
            }

            held = BuildLock.Acquire(CommonOptions.Paths(result).Stages, TimeSpan.Zero, _ => { }, build.Purpose, pid);
            Environment.SetEnvironmentVariable(BuildLock.TokenVariable, held.Owner!.Token);
            var checkedAhead = BuildStart.Check(result, graph, restore: false);

            if ((connection = Accept(listener, pid)) is null)
            {
                return;
            }

            using var stream = new NetworkStream(connection);
            using var reader = new StreamReader(stream);
            var replies = TextWriter.Synchronized(new StreamWriter(stream) { AutoFlush = true, NewLine = "\n" });
            var request = JsonConvert.DeserializeObject<AdoptRequest>(reader.ReadLine() ?? "null");
            if (request is null || !request.Arguments.SequenceEqual(build.LockArguments))
            {
                replies.WriteLine("declined: the build script's arguments are not the ones read ahead");
                return;
            }

            foreach (var (name, value) in request.Environment)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            // From here on this is the build's lock holder: what it has to say goes to the build's error output.
            Console.SetError(replies);
            var startingPoint = (checkedAhead.AllUpToDate ? checkedAhead : BuildStart.Check(result, graph, restore: true)).Open();
            replies.WriteLine($"locked {held.Owner.Token}");
            replies.WriteLine(startingPoint);
            Guarded.Run(() =>
            {
                LockCommand.HoldUntilClosed(result, reader, graph);
                return ExitCodes.Success;
            });
        }
        catch (Exception ex)
        {
            // Declining is always safe: the script takes the lock itself, and says what is wrong if anything is.
            TryDecline(connection, ex.Message);
        }
        finally
        {
            // Let go before the script sees the end of the conversation, so the next build finds the lock free.
            held?.Dispose();
            connection?.Dispose();
        }
    }

    // The build script's connection, or null when the build ended without adopting this holder.
    private static Socket? Accept(Socket listener, int pid)
    {
        var accepting = listener.AcceptAsync();
        while (!accepting.Wait(TimeSpan.FromMilliseconds(100)))
        {
            // build.sh became the build (exec); when it ends this process gets another parent.
            if (ParentProcessId() != pid)
            {
                return null;
            }
        }

        return accepting.Result;
    }

    private static void TryDecline(Socket? connection, string why)
    {
        try
        {
            connection?.Send(System.Text.Encoding.UTF8.GetBytes($"declined: {why.ReplaceLineEndings(" ")}\n"));
        }
        catch (SocketException)
        {
            // The script is gone or no longer listening; it falls back on its own.
        }
    }

    [DllImport("libc", EntryPoint = "getppid")]
    private static extern int ParentProcessId();

    /// <summary>build.sh's arguments as the build script reads them.</summary>
    /// <param name="Target">The target, as given (Cake's names are case-insensitive).</param>
    /// <param name="Purpose">What the build does, shown to a build that waits for it.</param>
    /// <param name="LockArguments">What the script gives <c>digitforge lock</c>.</param>
    public sealed record BuildArguments(string Target, string Purpose, IReadOnlyList<string> LockArguments);

    /// <summary>What the build script sends to adopt the holder: its <c>lock</c> arguments and the variables it set for the build.</summary>
    private sealed record AdoptRequest(IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment);
}
