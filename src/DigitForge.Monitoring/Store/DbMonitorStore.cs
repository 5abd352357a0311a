using System.Data;
using System.Data.Common;

namespace DigitForge.Monitoring.Store;

/// <summary>
/// The store over one ADO.NET connection, shared by the backends: the schema's migrations, the
/// queries and the outcome upserts are the same SQL on SQLite and PostgreSQL. Not thread-safe: one
/// user at a time (the log's writer, or a command).
/// </summary>
public abstract class DbMonitorStore : IMonitorStore
{
    private readonly DbConnection connection;

    private protected DbMonitorStore(DbConnection connection, string location)
    {
        this.connection = connection;
        Location = location;
    }

    public string Location { get; }

    public int SchemaVersion { get; private set; }

    private protected DbConnection Connection => connection;

    private protected abstract SqlDialect Dialect { get; }

    /// <summary>Takes the backend's lock that keeps two processes from migrating at once, inside <paramref name="transaction"/>.</summary>
    private protected abstract void LockSchema(DbTransaction transaction);

    /// <summary>Opens the connection and brings the schema up to date.</summary>
    private protected void Migrate()
    {
        using var transaction = BeginWriteTransaction();
        LockSchema(transaction);
        Execute(transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)");
        var current = Convert.ToInt32(Scalar(transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version"), System.Globalization.CultureInfo.InvariantCulture);
        if (current > Migrations.Latest)
        {
            throw new MonitorStoreException($"{Location}: the monitoring schema is at version {current}, newer than this DigitForge knows ({Migrations.Latest}); use a newer DigitForge");
        }

        foreach (var migration in Migrations.All.Where(m => m.Version > current))
        {
            Execute(transaction, migration.Sql(Dialect));
            Execute(transaction, "INSERT INTO schema_version (version, description, applied_at_ms) VALUES (@v, @d, @t)",
                ("v", migration.Version), ("d", migration.Description), ("t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        }

        transaction.Commit();
        SchemaVersion = Math.Max(current, Migrations.Latest);
    }

    /// <summary>A transaction that writes; SQLite takes its write lock at the start instead of on the first write.</summary>
    private protected virtual DbTransaction BeginWriteTransaction() => connection.BeginTransaction();

    public abstract void Append(IReadOnlyList<PredictionRecord> records);

    /// <summary>A prediction's columns, in <see cref="PredictionRecord"/>'s order: what every backend writes and reads.</summary>
    private protected const string RecordColumns = "id, at_ms, pipeline, model_version, precision, input_hash, prediction, confidence, value, source";

    public IEnumerable<PredictionRecord> Predictions(string pipeline, DateTimeOffset until) => Records(
        $"SELECT {RecordColumns} FROM predictions WHERE pipeline = @p AND at_ms < @until ORDER BY at_ms, seq",
        ("p", pipeline), ("until", until.ToUnixTimeMilliseconds()));

    public PredictionRecord? LastPrediction(string pipeline, string id) => Records(
        $"SELECT {RecordColumns} FROM predictions WHERE pipeline = @p AND id = @id ORDER BY at_ms DESC, seq DESC LIMIT 1",
        ("p", pipeline), ("id", id)).FirstOrDefault();

    private IEnumerable<PredictionRecord> Records(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(null, sql, parameters);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new PredictionRecord(
                reader.GetString(0),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetDouble(7),
                reader.IsDBNull(8) ? null : reader.GetDouble(8),
                reader.GetString(9));
        }
    }

    // One pass over the pipeline's log, not an index: an index on random hashes made every logged prediction
    // cost several times its other writes, for a lookup only feedback given by file content needs.
    public IReadOnlyDictionary<string, IReadOnlyList<string>> IdsWithInputs(string pipeline, IReadOnlyCollection<string> inputHashes)
    {
        var wanted = inputHashes.ToHashSet(StringComparer.Ordinal);
        var found = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        if (wanted.Count > 0)
        {
            using var command = Command(null, "SELECT input_hash, id FROM predictions WHERE pipeline = @p", ("p", pipeline));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var hash = reader.GetString(0);
                if (wanted.Contains(hash))
                {
                    (found.TryGetValue(hash, out var ids) ? ids : found[hash] = new SortedSet<string>(StringComparer.Ordinal)).Add(reader.GetString(1));
                }
            }
        }

        return found.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)[.. kv.Value], StringComparer.Ordinal);
    }

    public void KeepInputs(string pipeline, IReadOnlyCollection<byte[]> contents)
    {
        using var transaction = BeginWriteTransaction();
        using var command = Command(transaction, "INSERT INTO inputs (pipeline, input_hash, content) VALUES (@p, @h, @c) ON CONFLICT (pipeline, input_hash) DO NOTHING",
            ("p", pipeline), ("h", ""), ("c", Array.Empty<byte>()));
        foreach (var content in contents)
        {
            Set(command, "h", PredictionRecord.HashOf(content));
            Set(command, "c", content);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public byte[]? KeptInput(string pipeline, string inputHash) =>
        Scalar(null, "SELECT content FROM inputs WHERE pipeline = @p AND input_hash = @h", ("p", pipeline), ("h", inputHash)) as byte[];

    public bool WasPredicted(string pipeline, string id) =>
        Scalar(null, "SELECT 1 FROM predictions WHERE pipeline = @p AND id = @id LIMIT 1", ("p", pipeline), ("id", id)) is not null;

    public void RecordOutcomes(IReadOnlyList<Outcome> outcomes)
    {
        using var transaction = BeginWriteTransaction();
        using var command = Command(transaction, """
            INSERT INTO outcomes (pipeline, id, label, value, recorded_at_ms, source) VALUES (@p, @id, @label, @value, @at, @source)
            ON CONFLICT (pipeline, id) DO UPDATE SET label = excluded.label, value = excluded.value, recorded_at_ms = excluded.recorded_at_ms, source = excluded.source
            """, ("p", ""), ("id", ""), ("label", ""), ("value", 0.0), ("at", 0L), ("source", ""));
        foreach (var outcome in outcomes)
        {
            Set(command, "p", outcome.Pipeline);
            Set(command, "id", outcome.Id);
            Set(command, "label", outcome.Label);
            Set(command, "value", outcome.Value);
            Set(command, "at", outcome.RecordedAt.ToUnixTimeMilliseconds());
            Set(command, "source", outcome.Source);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public IReadOnlyDictionary<string, Outcome> Outcomes(string pipeline)
    {
        var outcomes = new Dictionary<string, Outcome>(StringComparer.Ordinal);
        using var command = Command(null, "SELECT id, label, value, recorded_at_ms, source FROM outcomes WHERE pipeline = @p", ("p", pipeline));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var id = reader.GetString(0);
            outcomes[id] = new Outcome(pipeline, id, reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetDouble(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), reader.GetString(4));
        }

        return outcomes;
    }

    public IReadOnlyList<string> Unsettled(string pipeline, DateTimeOffset before) => Strings("""
        SELECT p.id FROM predictions p LEFT JOIN outcomes o ON o.pipeline = p.pipeline AND o.id = p.id
        WHERE p.pipeline = @p AND o.id IS NULL GROUP BY p.id HAVING MIN(p.at_ms) < @before ORDER BY MIN(p.at_ms), p.id
        """, ("p", pipeline), ("before", before.ToUnixTimeMilliseconds()));

    public void Dispose()
    {
        connection.Dispose();
        GC.SuppressFinalize(this);
    }

    private protected DbCommand Command(DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private protected static void Set(DbCommand command, string name, object? value) => command.Parameters[name].Value = value ?? DBNull.Value;

    private void Execute(DbTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private object? Scalar(DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(transaction, sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    private List<string> Strings(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(null, sql, parameters);
        using var reader = command.ExecuteReader(CommandBehavior.Default);
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}

/// <summary>The monitoring database cannot be used (unreachable, damaged, or of a newer schema); the message names it.</summary>
public sealed class MonitorStoreException(string message, Exception? inner = null) : Exception(message, inner);
