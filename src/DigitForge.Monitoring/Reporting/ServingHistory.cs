using DigitForge.Registry;

namespace DigitForge.Monitoring.Reporting;

/// <summary>Which version was production when, read from the registry's events (promotions, rollbacks, deletions) in their order.</summary>
public sealed class ServingHistory
{
    private readonly List<(DateTimeOffset From, RegistryEntry? Version, RegistryEventKind How)> changes = [];

    public ServingHistory(IReadOnlyList<RegistryEntry> entries)
    {
        var byNumber = entries.ToDictionary(e => e.Version);
        foreach (var (entry, change) in entries.SelectMany(e => e.Events.Select(ev => (Entry: e, Event: ev))).OrderBy(x => x.Event.Sequence))
        {
            switch (change.Kind)
            {
                case RegistryEventKind.Promoted:
                    changes.Add((change.At, entry, change.Kind));
                    break;

                // A rollback is logged on both versions; the one it made production says so.
                case RegistryEventKind.RolledBack when change.To == entry.Version:
                    changes.Add((change.At, byNumber[entry.Version], change.Kind));
                    break;
                case RegistryEventKind.Deleted when change.Was == ModelStage.Production:
                    changes.Add((change.At, null, change.Kind));
                    break;
            }
        }
    }

    /// <summary>The version serving at <paramref name="at"/>, since when and how it became production; null when none was.</summary>
    public (RegistryEntry Version, DateTimeOffset Since, RegistryEventKind How)? At(DateTimeOffset at) =>
        changes.LastOrDefault(c => c.From <= at) is { Version: { } version } change ? (version, change.From, change.How) : null;

    /// <summary>Every change of production, oldest first: when, to which version (null: none), and how.</summary>
    public IReadOnlyList<(DateTimeOffset From, RegistryEntry? Version, RegistryEventKind How)> Changes => changes;
}
