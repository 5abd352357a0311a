namespace DigitForge.Monitoring.Store;

/// <summary>
/// The monitoring database: the prediction log and the outcomes joined to it later. One schema on
/// every backend (<see cref="Migrations"/>), created and migrated when a store is opened.
/// </summary>
public interface IMonitorStore : IDisposable
{
    /// <summary>Where it is, for messages: a file path, or a postgres:// address without its password.</summary>
    string Location { get; }

    /// <summary>Appends <paramref name="records"/> in one transaction: all of them are stored, or none.</summary>
    void Append(IReadOnlyList<PredictionRecord> records);

    /// <summary>Every prediction of <paramref name="pipeline"/> made before <paramref name="until"/>, oldest first, streamed.</summary>
    IEnumerable<PredictionRecord> Predictions(string pipeline, DateTimeOffset until);

    /// <summary>The latest prediction of <paramref name="pipeline"/> recorded under <paramref name="id"/>; null: none.</summary>
    PredictionRecord? LastPrediction(string pipeline, string id);

    /// <summary>The ids of <paramref name="pipeline"/>'s predictions of each input with one of these content hashes, in
    /// ordinal order; a hash never predicted is absent. One pass over the pipeline's log.</summary>
    IReadOnlyDictionary<string, IReadOnlyList<string>> IdsWithInputs(string pipeline, IReadOnlyCollection<string> inputHashes);

    /// <summary>Keeps <paramref name="contents"/> (labelled inputs) by content hash, so a feedback export can read them
    /// where their files are not: another machine, a file moved since. A content already kept is left as it is.</summary>
    void KeepInputs(string pipeline, IReadOnlyCollection<byte[]> contents);

    /// <summary>The kept content of <paramref name="pipeline"/>'s input with this hash; null: none kept.</summary>
    byte[]? KeptInput(string pipeline, string inputHash);

    /// <summary>True when <paramref name="id"/> was predicted in <paramref name="pipeline"/>.</summary>
    bool WasPredicted(string pipeline, string id);

    /// <summary>Stores or replaces (by pipeline and id) <paramref name="outcomes"/> in one transaction.</summary>
    void RecordOutcomes(IReadOnlyList<Outcome> outcomes);

    /// <summary>Every outcome of <paramref name="pipeline"/>, by id.</summary>
    IReadOnlyDictionary<string, Outcome> Outcomes(string pipeline);

    /// <summary>The ids of <paramref name="pipeline"/> first predicted before <paramref name="before"/> that have no outcome yet.</summary>
    IReadOnlyList<string> Unsettled(string pipeline, DateTimeOffset before);

    /// <summary>The schema version the database is at.</summary>
    int SchemaVersion { get; }
}
