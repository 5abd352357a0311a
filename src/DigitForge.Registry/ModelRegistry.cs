using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;

namespace DigitForge.Registry;

/// <summary>
/// Which stored model versions are candidates, production, archived or rejected, with an event log
/// per version, in one registry document. Every change re-reads the document, applies and writes it
/// through <see cref="IRegistryDocuments"/> (locally: under an exclusive OS lock, atomically plus a
/// <c>.bak</c> copy; remotely: compare-and-swap), so concurrent processes never lose an update; a
/// damaged document is refused, never rewritten. The same code runs over a local folder and a remote store.
/// </summary>
public sealed class ModelRegistry
{
    public const string DefaultFileName = "registry.json";

    private readonly IVersionStore store;
    private readonly IRegistryDocuments file;

    /// <param name="path">Defaults to <c>registry.json</c> in the store's folder.</param>
    public ModelRegistry(ModelStore store, string? path = null, TimeSpan? lockTimeout = null)
        : this(store, new LocalRegistryDocuments(store, path ?? Path.Combine(store.Root, DefaultFileName), lockTimeout))
    {
    }

    public ModelRegistry(IVersionStore store, IRegistryDocuments documents)
    {
        this.store = store;
        file = documents;
    }

    /// <summary>The registry document's path, or its address when remote.</summary>
    public string FilePath => file.Location;

    /// <summary>The local registry's <c>.bak</c> copy; a remote registry has none.</summary>
    public string BackupPath => (file as LocalRegistryDocuments)?.BackupPath
        ?? throw new InvalidOperationException($"{file.Location} is a remote registry; it keeps no .bak copy");

    /// <summary>Whether the document is a remote one (DIGITFORGE_REGISTRY=azure://...) rather than a local file.</summary>
    public bool IsRemote => file is not LocalRegistryDocuments;

    /// <summary>Where the versions' files are.</summary>
    public IVersionStore Store => store;

    /// <summary>The whole document as it is now (a copy).</summary>
    public RegistryDocument Document() => file.Read();

    /// <summary>A value that changes whenever the document does (null while there is none): what a poller compares.</summary>
    public string? ChangeToken() => file.ChangeToken();

    /// <summary>Every registered version, oldest first.</summary>
    public IReadOnlyList<RegistryEntry> List() => file.Read().Versions;

    public RegistryEntry Get(int version) => Find(file.Read(), version);

    /// <summary>A version whose files are still stored; a deleted one is refused, saying when and by whom.</summary>
    public RegistryEntry GetStored(int version) => EnsureNotDeleted(Get(version));

    public RegistryEntry? Production() => ProductionOf(file.Read());

    /// <summary>Adds a stored model as a candidate; registering it again returns the existing entry unchanged.</summary>
    public RegistryEntry Register(ModelVersion model, ModelMetrics metrics, Actor? actor = null)
    {
        if (store.Get(model.Number).Name != model.Name)
        {
            throw new RegistryException($"{model.Name} is not a version of the store {store.Location}");
        }

        store.EnsureIntact(model);
        var manifest = store.ReadManifest(model);
        return Mutate(document =>
        {
            if (document.Versions.FirstOrDefault(e => e.Version == model.Number) is { } existing)
            {
                // Its folder is still there only when a delete was killed midway.
                return EnsureNotDeleted(existing, $"; delete it again (digitforge models delete {model.Number} --confirm) to finish removing {model.Directory}");
            }

            var entry = new RegistryEntry
            {
                Version = model.Number,
                Name = model.Name,
                ContentHash = manifest.ContentHash,
                CreatedAt = manifest.CreatedAt,
                Stage = ModelStage.Candidate,
                Metrics = metrics,
            };
            document.Versions.Add(entry);
            document.Versions.Sort((a, b) => a.Version.CompareTo(b.Version));
            Log(document, entry, RegistryEventKind.Registered, actor);
            return entry;
        });
    }

    /// <summary>
    /// Makes a candidate production and archives the previous production. A reject
    /// <paramref name="decision"/> is refused unless <paramref name="force"/>d, and the override is logged.
    /// </summary>
    public RegistryEntry Promote(int version, GateDecision decision, bool force = false, Actor? actor = null)
    {
        // Unknown versions are reported against the registry; files are hashed before taking the lock.
        GetStored(version);
        store.EnsureIntact(store.Get(version));
        return Mutate(document =>
        {
            var entry = EnsureNotDeleted(Find(document, version));
            switch (entry.Stage)
            {
                case ModelStage.Production:
                    throw new RegistryException($"{entry.Name} is already production");
                case ModelStage.Archived:
                    throw new RegistryException($"{entry.Name} is archived: roll back to it to make it production again");
                case ModelStage.Rejected when !force:
                    throw new RegistryException($"{entry.Name} was rejected; promote with force to override");
            }

            if (decision.Outcome == GateOutcome.Reject && !force)
            {
                throw new RegistryException($"the quality gate rejected {entry.Name}: {string.Join("; ", decision.Failures)}; promote with force to override");
            }

            var overridden = decision.Outcome == GateOutcome.Reject || entry.Stage == ModelStage.Rejected;
            var previous = ProductionOf(document);
            if (previous is not null)
            {
                previous.Stage = ModelStage.Archived;
                Log(document, previous, RegistryEventKind.Archived, actor).To = entry.Version;
            }

            entry.Stage = ModelStage.Production;
            var promoted = Log(document, entry, RegistryEventKind.Promoted, actor);
            promoted.Decision = decision.Outcome;
            promoted.Reasons = [.. decision.Reasons];
            promoted.Forced = overridden;
            promoted.From = previous?.Version;
            return entry;
        });
    }

    public RegistryEntry Reject(int version, IReadOnlyList<string> reasons, Actor? actor = null)
    {
        if (reasons.Count == 0)
        {
            throw new ArgumentException("a rejection needs at least one reason", nameof(reasons));
        }

        return Mutate(document =>
        {
            var entry = Find(document, version);
            if (entry.Stage != ModelStage.Candidate)
            {
                throw new RegistryException($"{entry.Name} is {entry.Stage.ToString().ToLowerInvariant()}; only a candidate can be rejected");
            }

            entry.Stage = ModelStage.Rejected;
            Log(document, entry, RegistryEventKind.Rejected, actor).Reasons = [.. reasons];
            return entry;
        });
    }

    /// <summary>
    /// Makes an earlier production version production again: <paramref name="to"/>, or by default the
    /// one most recently replaced by a promotion (versions rolled back from are skipped).
    /// The current production, if any (a deleted production leaves none), is archived. Returns the new production.
    /// </summary>
    public RegistryEntry Rollback(int? to = null, Actor? actor = null) => Mutate(document =>
    {
        var current = ProductionOf(document);
        var target = to is { } version ? Find(document, version) : PreviousProduction(document)
            ?? throw new RegistryException(current is null
                ? $"{file.Location}: there is no production version to roll back"
                : $"{file.Location}: no earlier production version to roll back to from {current.Name}");
        if (target == current)
        {
            throw new RegistryException($"{target.Name} is already production");
        }

        EnsureNotDeleted(target);
        if (target.Stage != ModelStage.Archived)
        {
            throw new RegistryException($"{target.Name} has never been production; promote it through the quality gate instead");
        }

        // The default target is only known under the lock, so its files are checked here.
        store.EnsureIntact(store.Get(target.Version));
        current?.Stage = ModelStage.Archived;
        target.Stage = ModelStage.Production;
        foreach (var entry in new[] { current, target }.OfType<RegistryEntry>())
        {
            var rolledBack = Log(document, entry, RegistryEventKind.RolledBack, actor);
            rolledBack.From = current?.Version;
            rolledBack.To = target.Version;
        }

        return target;
    });

    /// <summary>Where a registered version came from: its manifest (fingerprints, config, metrics, parent).</summary>
    public ModelManifest Lineage(int version)
    {
        GetStored(version);
        return store.ReadManifest(store.Get(version));
    }

    /// <summary>
    /// Deletes versions: each is recorded as deleted (who, through what, and the stage it had) in one
    /// registry write, then its folder is removed. The entry stays, so its history can still be read.
    /// Production is refused unless <paramref name="includeProduction"/>; then there is no production
    /// until another version is promoted. A version already deleted is left as it is, apart from a folder
    /// a killed delete left behind, which is removed. Returns the entries in the order asked.
    /// </summary>
    public IReadOnlyList<RegistryEntry> Delete(IReadOnlyCollection<int> versions, bool includeProduction = false, Actor? actor = null)
    {
        var entries = Mutate(document =>
        {
            var named = versions.Distinct().Select(version => Find(document, version)).ToList();
            if (!includeProduction && named.FirstOrDefault(e => e.Stage == ModelStage.Production) is { } production)
            {
                throw new RegistryException($"{production.Name} is the production model; it is deleted only together with the include-production option (nothing was deleted)");
            }

            foreach (var entry in named.Where(e => e.Stage != ModelStage.Deleted))
            {
                Log(document, entry, RegistryEventKind.Deleted, actor).Was = entry.Stage;
                entry.Stage = ModelStage.Deleted;
            }

            return named;
        });

        // After the registry says so: a crash in between leaves a deleted entry whose folder a later delete removes.
        foreach (var entry in entries)
        {
            store.Remove(entry.Version);
        }

        return entries;
    }

    private T Mutate<T>(Func<RegistryDocument, T> change) => file.Mutate(change);

    private RegistryEntry Find(RegistryDocument document, int version) =>
        document.Versions.FirstOrDefault(e => e.Version == version)
        ?? throw new RegistryException($"{file.Location}: version {version} is not registered; "
            + (document.Versions.Count == 0 ? "no versions are registered yet" : $"known versions: {string.Join(", ", document.Versions.Select(e => e.Name))}"));

    private RegistryEntry EnsureNotDeleted(RegistryEntry entry, string advice = "")
    {
        if (entry.Stage != ModelStage.Deleted)
        {
            return entry;
        }

        var deleted = entry.Events.LastOrDefault(e => e.Kind == RegistryEventKind.Deleted);
        throw new RegistryException($"{entry.Name} was deleted" + (deleted is null ? string.Empty : $" on {deleted.At:yyyy-MM-dd HH:mm} UTC by {deleted.Actor}")
            + $"; its files are gone and {file.Location} keeps only its history{advice}");
    }

    private static RegistryEntry? ProductionOf(RegistryDocument document) =>
        document.Versions.SingleOrDefault(e => e.Stage == ModelStage.Production);

    // Archived versions whose last exit from production was a promotion of another, not a rollback away from them.
    private static RegistryEntry? PreviousProduction(RegistryDocument document) =>
        document.Versions
            .Where(e => e.Stage == ModelStage.Archived)
            .Select(e => (Entry: e, Left: e.Events.LastOrDefault(v => v.Kind == RegistryEventKind.Archived || (v.Kind == RegistryEventKind.RolledBack && v.From == e.Version))))
            .Where(x => x.Left?.Kind == RegistryEventKind.Archived)
            .OrderByDescending(x => x.Left!.Sequence)
            .Select(x => x.Entry)
            .FirstOrDefault();

    private static RegistryEvent Log(RegistryDocument document, RegistryEntry entry, RegistryEventKind kind, Actor? actor)
    {
        var last = document.Versions.SelectMany(e => e.Events).Select(e => e.Sequence).DefaultIfEmpty(0).Max();
        var logged = new RegistryEvent { Sequence = last + 1, Kind = kind, At = DateTimeOffset.UtcNow, Actor = actor ?? Actor.Current };
        entry.Events.Add(logged);
        return logged;
    }
}
