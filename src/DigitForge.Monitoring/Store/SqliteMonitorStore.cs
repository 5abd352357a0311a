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

    public override void Append(IReadOnlyList<PredictionRecord> records)
    {
        using var transaction = BeginWriteTransaction();
        using var full = records.Count >= RowsPerStatement ? Insert(transaction, RowsPerStatement) : null;
        for (var start = 0; start < records.Count; start += RowsPerStatement)
        {
            var rows = Math.Min(RowsPerStatement, records.Count - start);
            using var tail = rows < RowsPerStatement ? Insert(transaction, rows) : null;
            var command = tail ?? full!;
            for (var row = 0; row < rows; row++)
            {
                var record = records[start + row];
                var values = command.Parameters;
                var first = row * Columns;
                values[first].Value = record.Id;
                values[first + 1].Value = record.At.ToUnixTimeMilliseconds();
                values[first + 2].Value = record.Pipeline;
                values[first + 3].Value = record.ModelVersion;
                values[first + 4].Value = (object?)record.Precision ?? DBNull.Value;
                values[first + 5].Value = record.InputHash;
                values[first + 6].Value = (object?)record.Prediction ?? DBNull.Value;
                values[first + 7].Value = (object?)record.Confidence ?? DBNull.Value;
                values[first + 8].Value = (object?)record.Value ?? DBNull.Value;
                values[first + 9].Value = record.Source;
            }

            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    // Many rows per INSERT: a statement's fixed cost, not a row's, is most of what a small row costs.
    private const int RowsPerStatement = 64;
    private const int Columns = 10;

    private DbCommand Insert(DbTransaction transaction, int rows)
    {
        var values = string.Join(", ", Enumerable.Range(0, rows).Select(row => "(" + string.Join(", ", Enumerable.Range(row * Columns, Columns).Select(i => $"$p{i}")) + ")"));
        var command = Command(transaction, $"INSERT INTO predictions (id, at_ms, pipeline, model_version, precision, input_hash, prediction, confidence, value, source) VALUES {values}");
        for (var i = 0; i < rows * Columns; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"$p{i}";
            command.Parameters.Add(parameter);
        }

        return command;
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
