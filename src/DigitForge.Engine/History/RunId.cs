using System.Globalization;
using System.Text.RegularExpressions;
using DigitForge.Engine.Config;

namespace DigitForge.Engine.History;

/// <summary>
/// The identity of one build across the several processes it starts: the Cake script sets
/// <see cref="Variable"/> once and every CLI call of that build records under it; a CLI call
/// without it is a run of its own.
/// </summary>
public static partial class RunId
{
    public const string Variable = "DIGITFORGE_RUN_ID";

    /// <summary>The build's target (a stage name), so the build's first call records only the stages the build is made of.</summary>
    public const string TargetVariable = "DIGITFORGE_RUN_TARGET";

    /// <summary>The sweep a run is a part of, so its lines carry the sweep's id.</summary>
    public const string SweepVariable = "DIGITFORGE_SWEEP";

    /// <summary>Sortable by time, unique enough for concurrent builds: <c>20261128-221500-3fa2c1</c>.</summary>
    public static string New() =>
        DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];

    /// <summary>The id the build exported, or null when this process is not part of one; a malformed id is an error naming it.</summary>
    public static string? FromEnvironment()
    {
        var id = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        return IsValid(id)
            ? id
            : throw new ConfigException($"{Variable}='{id}' is not a run id: expected 1-64 letters, digits, '.', '_' or '-', e.g. {New()}");
    }

    /// <summary>This process's run: the build's, or a new one exported so the stages it runs (Promote) see the same id.</summary>
    public static (string Id, bool Own) Current()
    {
        if (FromEnvironment() is { } id)
        {
            return (id, false);
        }

        var own = New();
        Environment.SetEnvironmentVariable(Variable, own);
        return (own, true);
    }

    public static bool IsValid(string id) => Pattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex Pattern();
}
