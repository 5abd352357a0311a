using System.Globalization;
using DigitForge.Engine.Config;

namespace DigitForge.Engine.Diagnostics;

/// <summary>A named place in the code where a test can make the process pause, exit, die or throw.</summary>
/// <param name="Name">The name used in <see cref="FaultPoints.Variable"/>.</param>
/// <param name="Description">Where it sits and what a fault there tests, in one line.</param>
public sealed record FaultPoint(string Name, string Description);

/// <summary>
/// Fault injection for the tests of crashes and races, in the manner of etcd's gofail or TiKV's fail-rs:
/// <c>DIGITFORGE_FAULTPOINTS="name=action;name:Instance=action"</c> makes the process act when it reaches a
/// point (every instance, or only the named one, e.g. one stage). Actions: <c>pause(FILE)</c> creates FILE and
/// waits until it is deleted, <c>exit(CODE)</c>, <c>kill</c> (SIGKILL to itself, as kill -9) and <c>throw</c>
/// (<see cref="FaultPointException"/>). Unset, a point costs one check of a cached value. The setting is
/// parsed at the first point reached; a malformed one is a <see cref="ConfigException"/> naming the entry.
/// </summary>
public static class FaultPoints
{
    public const string Variable = "DIGITFORGE_FAULTPOINTS";

    public static readonly FaultPoint RunAfterStage = new("run.after-stage",
        "digitforge run, after the stage ran and its run was recorded (instance: the stage); a second build can start exactly there");

    public static readonly FaultPoint CommitBetweenRenames = new("commit.between-renames",
        "a stage commit with the last good folder aside and the new one not yet in place (instance: the stage)");

    public static readonly FaultPoint RegistryReserved = new("registry.reserved",
        "a remote registry upload with its version number reserved and no file uploaded");

    public static readonly FaultPoint RegistryFile = new("registry.file",
        "a remote registry upload after each file of the version, before its manifest");

    public static readonly FaultPoint RegistryUploaded = new("registry.uploaded",
        "a remote registry upload with the manifest uploaded (the version is complete), before it is cached locally");

    /// <summary>Every point, the only names <see cref="Variable"/> accepts.</summary>
    public static IReadOnlyList<FaultPoint> Catalogue { get; } = [RunAfterStage, CommitBetweenRenames, RegistryReserved, RegistryFile, RegistryUploaded];

    // Read once: with the variable unset, Hit is this null check.
    private static readonly string? Setting = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;
    private static FaultPlan? plan;

    /// <summary>Acts as <see cref="Variable"/> says for <paramref name="point"/> (or for it at <paramref name="instance"/>); else does nothing.</summary>
    public static void Hit(FaultPoint point, string? instance = null)
    {
        if (Setting is null)
        {
            return;
        }

        // Parsing twice in a race is harmless: the plans are equal.
        (plan ??= FaultPlan.Parse(Setting)).Hit(point, instance);
    }
}

/// <summary>A parsed <see cref="FaultPoints.Variable"/>: which points act, and how.</summary>
public sealed class FaultPlan
{
    private readonly IReadOnlyDictionary<string, FaultAction> actions;

    private FaultPlan(IReadOnlyDictionary<string, FaultAction> actions) => this.actions = actions;

    /// <summary>Parses <c>name[:instance]=action</c> entries separated by <c>;</c>; every name must be in <see cref="FaultPoints.Catalogue"/>.</summary>
    public static FaultPlan Parse(string setting)
    {
        var actions = new Dictionary<string, FaultAction>(StringComparer.Ordinal);
        foreach (var raw in setting.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = raw.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Malformed(raw, "it is not name=action");
            }

            var key = raw[..equals].Trim();
            var name = key.Split(':', 2)[0];
            if (key.EndsWith(':'))
            {
                throw Malformed(raw, "the instance after ':' is empty");
            }

            if (!FaultPoints.Catalogue.Any(p => p.Name == name))
            {
                throw Malformed(raw, $"there is no fault point {name}; the points are {string.Join(", ", FaultPoints.Catalogue.Select(p => p.Name))}");
            }

            if (!actions.TryAdd(key, FaultAction.Parse(raw[(equals + 1)..].Trim()) ?? throw Malformed(raw, "the action is not pause(FILE), exit(CODE), kill or throw")))
            {
                throw Malformed(raw, $"{key} is set twice");
            }
        }

        return new FaultPlan(actions);
    }

    /// <summary>Runs the action for <paramref name="point"/> at <paramref name="instance"/>, the instance's own entry before the point's.</summary>
    public void Hit(FaultPoint point, string? instance = null)
    {
        if ((instance is not null && actions.TryGetValue($"{point.Name}:{instance}", out var action)) || actions.TryGetValue(point.Name, out action))
        {
            action.Run(instance is null ? point.Name : $"{point.Name}:{instance}");
        }
    }

    private static ConfigException Malformed(string entry, string why) =>
        new($"{FaultPoints.Variable}: '{entry}': {why}");
}

/// <summary>What a fault point does when reached.</summary>
internal abstract record FaultAction
{
    public abstract void Run(string where);

    public static FaultAction? Parse(string text) => text switch
    {
        "kill" => new Kill(),
        "throw" => new Throw(),
        _ when Argument(text, "pause") is { Length: > 0 } file => new Pause(file),
        _ when Argument(text, "exit") is { } code && int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var exitCode) => new Exit(exitCode),
        _ => null,
    };

    /// <summary>ARG of <c>verb(ARG)</c>, or null.</summary>
    private static string? Argument(string text, string verb) =>
        text.StartsWith(verb + "(", StringComparison.Ordinal) && text.EndsWith(')') ? text[(verb.Length + 1)..^1].Trim() : null;

    private sealed record Pause(string Marker) : FaultAction
    {
        // The file is the handshake: the test sees it appear, and deletes it to let the process go on.
        public override void Run(string where)
        {
            File.WriteAllText(Marker, where);
            while (File.Exists(Marker))
            {
                Thread.Sleep(100);
            }
        }
    }

    private sealed record Exit(int Code) : FaultAction
    {
        public override void Run(string where) => Environment.Exit(Code);
    }

    private sealed record Kill : FaultAction
    {
        // SIGKILL: no finally block, flush or exit handler runs, as when the machine or the OOM killer stops it.
        public override void Run(string where) => System.Diagnostics.Process.GetCurrentProcess().Kill();
    }

    private sealed record Throw : FaultAction
    {
        public override void Run(string where) => throw new FaultPointException($"fault point {where} ({FaultPoints.Variable})");
    }
}

/// <summary>Thrown by a fault point whose action is <c>throw</c>.</summary>
public sealed class FaultPointException(string message) : Exception(message);
