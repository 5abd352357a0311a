using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using Newtonsoft.Json.Linq;

namespace DigitForge.Registry.Gate;

/// <summary>
/// What a build's freshly registered model becomes, for every pipeline: production if the gate
/// passes it (or <c>force</c> overrides the gate, recorded as such), restored as production if it
/// was production once and is forced back (a rollback), else rejected; every outcome is logged
/// and recorded in the registry.
/// </summary>
public static class Promotion
{
    /// <summary>
    /// What every pipeline's publishing stage does: stores the version (once per content hash) in the target registry,
    /// registers it with its metrics, lets the gate decide, and writes the decision to the stage's <c>decision.json</c>.
    /// </summary>
    /// <param name="writeVersion">Writes the version's files into a folder and returns its manifest details; given the
    /// folder, the version's name and the production version's name (null: none) when it was built.</param>
    /// <param name="gate">The gate on the registered candidate against production (null: none yet), from the version store.</param>
    /// <param name="force">Promote even when the gate rejects (recorded as an override).</param>
    public static PromotionDecision Publish(
        StageRunContext context,
        RegistryTarget target,
        string contentHash,
        Func<string, string, string?, JObject> writeVersion,
        ModelMetrics metrics,
        Func<RegistryEntry, RegistryEntry?, IVersionStore, GateDecision> gate,
        bool force)
    {
        var registry = target.Open();
        var store = registry.Store;
        var actor = Actor.CurrentVia(force ? "build: Promote stage --force" : "build: Promote stage");
        var production = registry.Production();
        var added = store.Add(contentHash, (directory, version) => writeVersion(directory, version, production?.Name));
        var entry = registry.Register(added.Version, metrics, actor);
        context.Log.Info($"{added.Version.Name} {(added.Created ? "stored" : "already stored")} in {store.Location}, {entry.Stage.ToString().ToLowerInvariant()}");
        var decision = Decide(registry, entry, production, () => gate(entry, production, store), force, actor, context.Log.Info, context.Log.Warning);
        JsonFile.Write(context.OutputFile(PromotionDecision.FileName), decision);
        return decision;
    }

    public static PromotionDecision Decide(ModelRegistry registry, RegistryEntry entry, RegistryEntry? production, Func<GateDecision> gate, bool force, Actor actor, Action<string> info, Action<string> warning)
    {
        if (production?.Version == entry.Version)
        {
            info($"{entry.Name} is already the production model");
            return new(entry.Name, "production", ["already the production model"], production.Name, Forced: false);
        }

        var verdict = gate();
        foreach (var check in verdict.Checks)
        {
            info($"gate {check.Rule}: {(check.Passed ? "pass" : "FAIL")}, {check.Reason}");
        }

        if (entry.Stage == ModelStage.Archived)
        {
            // Its weights were production once; bringing them back is a rollback, and the registry records it as one.
            if (force)
            {
                registry.Rollback(entry.Version, actor);
                warning($"{entry.Name} was production before; restored it as production by --force (was {production?.Name}), recorded as a rollback");
                return new(entry.Name, "rollback", [.. verdict.Reasons], production?.Name, Forced: true);
            }

            warning($"{entry.Name} was production before and is archived; production stays {production?.Name}. Build with --force, or run the Rollback target with --to={entry.Version}, to restore it.");
            return new(entry.Name, "archived", [.. verdict.Reasons], production?.Name, Forced: false);
        }

        var overriding = force && (verdict.Outcome == GateOutcome.Reject || entry.Stage == ModelStage.Rejected);
        if (verdict.Outcome == GateOutcome.Promote && entry.Stage == ModelStage.Candidate || overriding)
        {
            registry.Promote(entry.Version, verdict, force, actor);
            var was = production is null ? string.Empty : $" (was {production.Name})";
            if (overriding)
            {
                warning($"promoted {entry.Name} to production{was} by --force, overriding the gate: {string.Join("; ", verdict.Failures.DefaultIfEmpty("it was rejected before"))}");
            }
            else
            {
                info($"promoted {entry.Name} to production{was}");
            }

            return new(entry.Name, "promote", [.. verdict.Reasons], production?.Name, overriding);
        }

        if (entry.Stage == ModelStage.Candidate)
        {
            registry.Reject(entry.Version, verdict.Failures, actor);
        }

        var why = verdict.Outcome == GateOutcome.Reject ? string.Join("; ", verdict.Failures) : "it was rejected before";
        warning($"{entry.Name} not promoted; production stays {production?.Name ?? "empty"}: {why}. Build with --force to promote it anyway.");
        return new(entry.Name, "reject", [.. verdict.Reasons], production?.Name, Forced: false);
    }

}
