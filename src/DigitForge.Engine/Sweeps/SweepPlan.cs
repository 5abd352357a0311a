using DigitForge.Engine.Storage;

namespace DigitForge.Engine.Sweeps;

/// <summary>One member of a sweep: its swept values and every override it is built with.</summary>
/// <param name="Name">m01, m02, ...: its board file, scratch folder and rows.</param>
/// <param name="Values">The swept keys' values, in the sweep's key order.</param>
/// <param name="Overrides">Its complete <c>--set</c> list: the sweep's own, the swept values and the thread count.</param>
public sealed record SweepMember(string Name, IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> Overrides);

/// <summary>
/// A sweep, planned before any work and kept as <c>artifacts/&lt;pipeline&gt;/sweeps/&lt;id&gt;/plan.json</c>.
/// Its id is a hash of what decides the members, so running the same sweep again finds this plan and
/// builds only the members not yet done.
/// </summary>
public sealed record SweepPlan
{
    public const string FileName = "plan.json";

    public required string Id { get; init; }

    public required string Pipeline { get; init; }

    /// <summary>The recipe file, relative to the repository when inside it.</summary>
    public required string Config { get; init; }

    /// <summary>The recipe file's content hash: a member built elsewhere refuses a recipe that differs.</summary>
    public string? Recipe { get; init; }

    /// <summary>The stage each member is built up to.</summary>
    public required string Target { get; init; }

    /// <summary>Members built at once; the cores are split between them.</summary>
    public required int Jobs { get; init; }

    public required PruneRule Prune { get; init; }

    /// <summary>The thread-count key the sweep set for every member (<c>--jobs</c> splits the cores); null when swept or the pipeline has none.</summary>
    public string? ThreadsKey { get; init; }

    /// <summary>The swept keys, in the order given.</summary>
    public required IReadOnlyList<string> Keys { get; init; }

    public required IReadOnlyList<SweepMember> Members { get; init; }

    public static SweepPlan Read(string path) => JsonFile.Read<SweepPlan>(path);

    public void Write(string path) => JsonFile.Write(path, this);
}
