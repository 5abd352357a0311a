using System.CommandLine;
using System.Globalization;
using DigitForge.Engine.Config;
using DigitForge.Engine.Storage;
using DigitForge.Engine.Pipelines;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using DigitForge.Remote;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge models</c>: the registry's versions; <c>show</c> one version's lineage and history,
/// <c>promote</c> one through the gate (or by force), <c>rollback</c> production, <c>verify</c> files,
/// <c>delete</c> versions. Every change is recorded in the registry with who made it and through which command.
/// </summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List model versions with stage, registry metrics and date.");
        command.SetAction(result => Guarded.Run(() =>
        {
            var registry = Open(result);
            var entries = registry.List();
            if (entries.Count == 0)
            {
                Console.WriteLine($"no model versions in {registry.FilePath} yet; build the Promote target to create one");
            }

            foreach (var entry in entries)
            {
                Console.WriteLine(Describe(entry, CommonOptions.Definition(result)));
            }

            return ExitCodes.Success;
        }));

        command.Subcommands.Add(Show());
        command.Subcommands.Add(Promote());
        command.Subcommands.Add(Rollback());
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(Compare());
        command.Subcommands.Add(Delete());
        command.Subcommands.Add(Gc());
        return command;
    }

    private static Command Gc()
    {
        var minimumAge = new Option<int>("--min-age-minutes") { Description = "Leave uploads younger than this (they may belong to a publication still running).", DefaultValueFactory = _ => 60 };
        var gc = new Command("gc", "Remove a remote registry's unfinished or unregistered uploads (a killed publication's leftovers); never a registered version.") { minimumAge };
        gc.SetAction(result => Guarded.Run(() =>
        {
            var (store, registry) = OpenBoth(result);
            if (store is not AzureVersionStore remote)
            {
                Console.WriteLine($"{registry.FilePath} is a local registry: a killed write is cleared by the next one, there is nothing to collect");
                return ExitCodes.Success;
            }

            var age = result.GetValue(minimumAge);
            if (age < 0)
            {
                throw new ConfigException($"--min-age-minutes {age}: expected 0 or more");
            }

            var removed = remote.CollectGarbage(registry.Document(), TimeSpan.FromMinutes(age));
            Console.WriteLine(removed.Count == 0
                ? $"no unregistered uploads older than {age} min in {store.Location}"
                : $"removed {removed.Count} unregistered upload(s) from {store.Location}: {string.Join(", ", removed)}");
            return ExitCodes.Success;
        }));
        return gc;
    }

    private static Command Delete()
    {
        var versions = new Argument<string[]>("versions") { Description = "The versions to delete: 7, v7, v0007 or v0007-3fa2c1d.", Arity = ArgumentArity.OneOrMore };
        var confirm = new Option<bool>("--confirm") { Description = "Really delete; without it the versions are only listed." };
        var includeProduction = new Option<bool>("--include-production") { Description = "Allow deleting the production version (leaves no production model)." };
        var delete = new Command("delete", "Delete model versions' files; the registry keeps each entry, recorded as deleted.") { versions, confirm, includeProduction };
        delete.SetAction(result => Guarded.Run(() =>
        {
            var registry = Open(result);
            List<RegistryEntry> named;
            try
            {
                named = [.. result.GetValue(versions)!.Select(reference => Resolve(registry, reference)).Distinct().Select(registry.Get)];
            }
            catch (RegistryException ex) when (ex is not RegistryUnavailableException)
            {
                // A reference that names nothing is a mistake on the command line: nothing was touched.
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.UsageError;
            }

            var confirmed = result.GetValue(confirm);
            var withProduction = result.GetValue(includeProduction);
            Console.WriteLine(confirmed ? "deleting:" : "would delete:");
            foreach (var entry in named)
            {
                Console.WriteLine("  " + Describe(entry, CommonOptions.Definition(result)) + (entry.Stage == ModelStage.Deleted ? "  (already deleted)" : string.Empty));
            }

            if (!withProduction && named.FirstOrDefault(e => e.Stage == ModelStage.Production) is { } production)
            {
                Console.Error.WriteLine($"error: {production.Name} is the production model; add --include-production to delete it too. Nothing was deleted.");
                return ExitCodes.UsageError;
            }

            if (!confirmed)
            {
                Console.Error.WriteLine($"error: nothing was deleted; add --confirm to delete {(named.Count == 1 ? "this version" : $"these {named.Count} versions")} (their files are removed for good, the registry keeps their history)");
                return ExitCodes.UsageError;
            }

            var actor = Actor.CurrentVia("digitforge models delete --confirm" + (withProduction ? " --include-production" : string.Empty));
            foreach (var entry in registry.Delete([.. named.Select(e => e.Version)], withProduction, actor))
            {
                var was = named.Single(e => e.Version == entry.Version).Stage;
                Console.WriteLine(was == ModelStage.Deleted
                    ? $"{entry.Name} was already deleted"
                    : $"deleted {entry.Name} (was {Stage(was)}); {registry.FilePath} keeps its history");
            }

            if (named.Any(e => e.Stage == ModelStage.Production))
            {
                Console.WriteLine("there is no production model now: promote a version or roll back to an earlier one");
            }

            return ExitCodes.Success;
        }));
        return delete;
    }

    private static string Describe(RegistryEntry entry, IPipelineDefinition definition) => string.Create(
        CultureInfo.InvariantCulture,
        $"{entry.Name}  {Stage(entry.Stage),-10}  {entry.Metrics.Describe(definition.ClassNames)}  {entry.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm}");

    private static Command Compare()
    {
        var before = new Option<string?>("--base") { Description = "The version to compare against (default: production)." };
        var after = new Option<string?>("--candidate") { Description = "The version compared (default: the newest other version)." };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the comparison as Markdown to this file (for a pull-request comment)." };
        var compare = new Command("compare", "Compare two versions' test figures as their pipeline declares them (overall and per class for a classifier), with the change.") { before, after, markdown };
        compare.SetAction(result => Guarded.Run(() =>
        {
            var (store, registry) = OpenBoth(result);
            var baseEntry = registry.GetStored(Resolve(registry, result.GetValue(before)));
            var candidateEntry = result.GetValue(after) is { } named
                ? registry.GetStored(Resolve(registry, named))
                : registry.List().LastOrDefault(e => e.Version != baseEntry.Version && e.Stage != ModelStage.Deleted)
                    ?? throw new RegistryException($"{registry.FilePath}: no other version to compare {baseEntry.Name} with");
            var definition = CommonOptions.Definition(result);
            var figures = new[] { baseEntry, candidateEntry }.Select(entry =>
            {
                var model = store.Get(entry.Version);
                store.EnsureIntact(model);
                return definition.Figures(model.Directory);
            }).ToList();
            var comparison = VersionComparison.Compare(
                baseEntry.Name, figures[0], candidateEntry.Name, figures[1], baseEntry.Metrics.TestSetFingerprint == candidateEntry.Metrics.TestSetFingerprint);
            Console.Write(comparison.ToText());
            if (result.GetValue(markdown) is { } file)
            {
                AtomicFile.WriteAllText(Path.GetFullPath(file), comparison.ToMarkdown());
                Console.WriteLine($"markdown: {Path.GetFullPath(file)}");
            }

            return ExitCodes.Success;
        }));
        return compare;
    }

    private static Command Show()
    {
        var version = new Argument<string?>("version") { Description = "7, v7, v0007 or v0007-3fa2c1d (default: production).", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print the registry entry and the manifest as JSON." };
        var show = new Command("show", "Show one version's lineage (data, config, code), metrics, files and history.") { version, json };
        show.SetAction(result => Guarded.Run(() =>
        {
            var (store, registry) = OpenBoth(result);
            var entry = registry.Get(Resolve(registry, result.GetValue(version)));
            if (entry.Stage == ModelStage.Deleted)
            {
                // Its files are gone; what is left to show is the registry's record.
                var serializer = JsonSerializer.Create(JsonFile.Settings);
                Console.Write(result.GetValue(json)
                    ? new JObject { ["registry"] = JObject.FromObject(entry, serializer) }.ToString(Formatting.Indented) + "\n"
                    : LineageText.FormatDeleted(entry, CommonOptions.Definition(result).ClassNames));
                return ExitCodes.Success;
            }

            var model = store.Get(entry.Version);
            var manifest = store.ReadManifest(model);
            var problems = store.Verify(model);
            if (result.GetValue(json))
            {
                var serializer = JsonSerializer.Create(JsonFile.Settings);
                Console.WriteLine(new JObject
                {
                    ["registry"] = JObject.FromObject(entry, serializer),
                    ["manifest"] = JObject.FromObject(manifest, serializer),
                    ["problems"] = new JArray(problems),
                }.ToString(Formatting.Indented));
            }
            else
            {
                Console.Write(LineageText.Format(CommonOptions.Definition(result), entry, model, manifest, problems));
            }

            return problems.Count == 0 ? ExitCodes.Success : ExitCodes.DataError;
        }));
        return show;
    }

    private static Command Promote()
    {
        var version = new Argument<string>("version") { Description = "The version to make production: 7, v7, v0007 or v0007-3fa2c1d." };
        var force = new Option<bool>("--force") { Description = "Promote even if the quality gate rejects it (recorded as an override)." };
        var promote = new Command("promote", "Put a candidate (or, with --force, a rejected version) through the quality gate of --config against production.") { version, force };
        promote.SetAction(result => Guarded.Run(() =>
        {
            var gated = CommonOptions.Definition(result) as IGatedPipeline
                ?? throw new ConfigException($"models promote applies a pipeline's quality gate; pipeline {CommonOptions.Definition(result).Name} declares none");
            var config = CommonOptions.LoadConfig(result);
            var (store, registry) = OpenBoth(result);
            var entry = registry.GetStored(Resolve(registry, result.GetValue(version)));
            var production = registry.Production() is { } current ? new GateSubject(current, store.Get(current.Version)) : null;
            var verdict = gated.Gate(config, new GateSubject(entry, store.Get(entry.Version)), production);
            var forced = result.GetValue(force);
            foreach (var check in verdict.Checks)
            {
                Console.WriteLine($"gate {check.Rule}: {(check.Passed ? "pass" : "FAIL")}, {check.Reason}");
            }

            var promoted = registry.Promote(entry.Version, verdict, forced, Actor.CurrentVia(forced ? "digitforge models promote --force" : "digitforge models promote"));
            Console.WriteLine($"production is now {promoted.Name}" + (promoted.Events[^1].Forced == true ? " (forced over the gate's reject, recorded)" : string.Empty));
            return ExitCodes.Success;
        }));
        return promote;
    }

    private static Command Rollback()
    {
        var to = new Option<string?>("--to") { Description = "Version to restore (default: the production before the current one)." };
        var rollback = new Command("rollback", "Make an earlier production version production again (recorded in the registry).") { to };
        rollback.SetAction(result => Guarded.Run(() =>
        {
            var registry = Open(result);
            var target = result.GetValue(to) is { } reference ? Resolve(registry, reference) : (int?)null;
            var previous = registry.Production();
            var entry = registry.Rollback(target, Actor.CurrentVia("digitforge models rollback"));
            Console.WriteLine($"production is now {entry.Name} (was {previous?.Name})");
            return ExitCodes.Success;
        }));
        return rollback;
    }

    private static Command Verify()
    {
        var verify = new Command("verify", "Check every version's files against its manifest (SHA-256) and that the registry is readable.");
        verify.SetAction(result => Guarded.Run(() =>
        {
            var definition = CommonOptions.Definition(result);
            var (store, registry) = OpenBoth(result);
            var entries = registry.List();
            var registered = entries.Select(e => e.Version).ToHashSet();
            foreach (var entry in entries.Where(e => e.Stage == ModelStage.Deleted))
            {
                Console.WriteLine($"{entry.Name}: deleted (files removed, history kept in the registry)");
            }

            var damaged = 0;
            var failed = 0;

            // A remote store has no listing of local folders: its registered versions are downloaded and checked.
            var models = store is ModelStore local
                ? local.List()
                : [.. entries.Where(e => e.Stage != ModelStage.Deleted).Select(e => store.Get(e.Version))];
            foreach (var model in models)
            {
                var problems = store.Verify(model);
                var note = registered.Contains(model.Number) ? string.Empty : " (not registered)";
                if (problems.Count > 0)
                {
                    damaged++;
                    Console.WriteLine($"{model.Name}: DAMAGED{note}: {string.Join("; ", problems)}");
                    continue;
                }

                try
                {
                    var check = definition.CheckVersion(model.Directory);
                    failed += check?.Failed == true ? 1 : 0;
                    Console.WriteLine($"{model.Name}: intact{note}" + (check is null ? string.Empty : $"; {check.Summary}"));
                }
                catch (InvalidDataException ex)
                {
                    // Hashed but unusable (written so at promote): as damaged as a modified file.
                    damaged++;
                    Console.WriteLine($"{model.Name}: DAMAGED{note}: {ex.Message}");
                }
            }

            if (damaged > 0)
            {
                Console.Error.WriteLine($"error: {damaged} model version(s) do not match their manifest; restore the files, or delete the folder so the build creates the model again ({store.Location})");
            }

            if (failed > 0)
            {
                Console.Error.WriteLine($"error: {failed} version(s) fail the check they are loaded with on this machine (the lines above say which): scoring and serving refuse them here");
            }

            return damaged > 0 ? ExitCodes.DataError : failed > 0 ? ExitCodes.GoldenCheckFailed : ExitCodes.Success;
        }));
        return verify;
    }

    /// <summary>The version <paramref name="reference"/> names; none, or "production", names the production version.</summary>
    internal static int Resolve(ModelRegistry registry, string? reference) => ModelReference.ResolveOrProduction(registry, reference);

    private static string Stage(ModelStage stage) => stage.ToString().ToLowerInvariant();

    private static ModelRegistry Open(ParseResult result) => OpenBoth(result).Registry;

    // Whichever registry DIGITFORGE_REGISTRY configures: the local folder by default, or the remote one.
    private static (IVersionStore Store, ModelRegistry Registry) OpenBoth(ParseResult result)
    {
        var registry = RegistrySettings.Open(CommonOptions.Paths(result).Models, CommonOptions.Definition(result).Name);
        return (registry.Store, registry);
    }
}
