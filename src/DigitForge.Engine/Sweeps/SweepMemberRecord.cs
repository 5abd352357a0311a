using DigitForge.Engine.History;
using Newtonsoft.Json.Linq;

namespace DigitForge.Engine.Sweeps;

/// <summary>
/// A sweep member's run as a member built on another machine leaves it in the remote: one document
/// <c>sweeps/&lt;id&gt;/members/&lt;member&gt;.json</c> holding every history line of its run and the
/// configs they name. A member built again replaces it whole; merging it into a history imports the
/// run once (<see cref="RunHistory.Import"/>).
/// </summary>
public sealed record SweepMemberRecord
{
    public required string Sweep { get; init; }

    public required string Member { get; init; }

    public required IReadOnlyList<RunLine> Lines { get; init; }

    /// <summary>The resolved configs the lines name, by hash.</summary>
    public required IReadOnlyDictionary<string, JToken> Configs { get; init; }

    /// <summary>The sweep's plan in the remote.</summary>
    public static string PlanDocument(string sweep) => $"sweeps/{sweep}/{SweepPlan.FileName}";

    /// <summary>Where the sweep's member records are in the remote.</summary>
    public static string MembersPrefix(string sweep) => $"sweeps/{sweep}/members/";

    public static string Document(string sweep, string member) => MembersPrefix(sweep) + member + ".json";
}
