using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace DigitForge.Monitoring.Store;

/// <summary>
/// The embedded backend: one SQLite file in WAL mode. A transaction is durable once committed
/// against a killed process (the WAL is in the OS's hands); <c>synchronous=NORMAL</c> may lose the
/// last transactions on a power cut but never corrupts the file. Readers never block the writer.
/// </summary>
public sealed class SqliteMonitorStore : DbMonitorStore
{
    private SqliteMonitorStore(SqliteConnection connection, string path)
        : base(connection, path)
    {
    }

    private protected override SqlDialect Dialect => SqlDialect.Sqlite;

    /// <summary>Opens (creating and migrating as needed) the database file at <paramref name="path"/>.</summary>
    public static SqliteMonitorStore Open(string path)
    {
        path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,

            // Seconds a statement waits for another process's write lock before failing.
            DefaultTimeout = 30,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";
                pragma.ExecuteNonQuery();
            }

            var store = new SqliteMonitorStore(connection, path);
            store.Migrate();
            return store;
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new MonitorStoreException($"{path}: cannot use the monitoring database: {ex.Message}", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private protected override DbTransaction BeginWriteTransaction() => ((SqliteConnection)Connection).BeginTransaction(deferred: false);

    // BEGIN IMMEDIATE already holds the database's write lock.
    private protected override void LockSchema(DbTransaction transaction)
    {
    }

    // One single-row statement, prepared once per batch and re-bound by position for each row: binding by name
    // scans the statement's parameters, so a many-row statement costs more a row than it saves.
    public override void Append(IReadOnlyList<PredictionRecord> records)
    {
        using var transaction = BeginWriteTransaction();
        var names = RecordColumns.Split(", ").Select(column => $"${column}").ToArray();
        using var insert = Command(transaction, $"INSERT INTO predictions ({RecordColumns}) VALUES ({string.Join(", ", names)})");
        var values = new DbParameter[names.Length];
        foreach (var name in names)
        {
            var parameter = insert.CreateParameter();
            parameter.ParameterName = name;
            values[insert.Parameters.Add(parameter)] = parameter;
        }

        insert.Prepare();
        foreach (var record in records)
        {
            values[0].Value = record.Id;
            values[1].Value = record.At.ToUnixTimeMilliseconds();
            values[2].Value = record.Pipeline;
            values[3].Value = record.ModelVersion;
            values[4].Value = (object?)record.Precision ?? DBNull.Value;
            values[5].Value = record.InputHash;
            values[6].Value = (object?)record.Prediction ?? DBNull.Value;
            values[7].Value = (object?)record.Confidence ?? DBNull.Value;
            values[8].Value = (object?)record.Value ?? DBNull.Value;
            values[9].Value = record.Source;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>SQLite's own check of the file (<c>PRAGMA integrity_check</c>): "ok", or what is wrong.</summary>
    public string IntegrityCheck()
    {
        using var command = Command(null, "PRAGMA integrity_check");
        return string.Join("; ", Read(command));
    }

    private static IEnumerable<string> Read(DbCommand command)
    {
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }
}
