using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace DigitForge.Monitoring.Store;

/// <summary>
/// The team backend: a PostgreSQL database named by <c>DIGITFORGE_MONITOR=postgres://user@host:port/db</c>.
/// A batch is one binary COPY inside one transaction; concurrent migrations wait on an advisory lock.
/// </summary>
public sealed class PostgresMonitorStore : DbMonitorStore
{
    // Any fixed number: the advisory lock every DigitForge process takes while it migrates the schema.
    private const long SchemaLockKey = 0x446967697446;

    private PostgresMonitorStore(NpgsqlConnection connection, string location)
        : base(connection, location)
    {
    }

    private protected override SqlDialect Dialect => SqlDialect.Postgres;

    /// <summary>Connects to the database at <paramref name="url"/> (postgres://user[:password]@host[:port]/database) and migrates it.</summary>
    public static PostgresMonitorStore Open(string url)
    {
        var (connectionString, location) = Parse(url);
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            connection.Open();
            var store = new PostgresMonitorStore(connection, location);
            store.Migrate();
            return store;
        }
        catch (Exception ex) when (ex is NpgsqlException or PostgresException or TimeoutException)
        {
            connection.Dispose();
            throw new MonitorStoreException($"{location}: cannot use the monitoring database: {ex.Message}", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The Npgsql connection string for <paramref name="url"/>, and the address without its password.</summary>
    public static (string ConnectionString, string Location) Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql") || uri.Host.Length == 0 || uri.AbsolutePath.Trim('/').Length == 0)
        {
            throw new Engine.Config.ConfigException($"{MonitorStores.Variable}={Redact(url)}: expected postgres://user[:password]@host[:port]/database");
        }

        var userInfo = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/')),
            Timeout = 15,
        };
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }

        if (userInfo.Length > 1)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }

        return (builder.ConnectionString, Redact(url));
    }

    private static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':', StringComparison.Ordinal)
            ? url.Replace(uri.UserInfo, uri.UserInfo.Split(':')[0] + ":***", StringComparison.Ordinal)
            : url;

    private protected override void LockSchema(DbTransaction transaction)
    {
        using var command = Command(transaction, "SELECT pg_advisory_xact_lock(@key)", ("key", SchemaLockKey));
        command.ExecuteNonQuery();
    }

    public override void Append(IReadOnlyList<PredictionRecord> records)
    {
        var connection = (NpgsqlConnection)Connection;
        using var transaction = connection.BeginTransaction();
        using (var copy = connection.BeginBinaryImport($"COPY predictions ({RecordColumns}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var record in records)
            {
                copy.StartRow();
                copy.Write(record.Id, NpgsqlDbType.Text);
                copy.Write(record.At.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint);
                copy.Write(record.Pipeline, NpgsqlDbType.Text);
                copy.Write(record.ModelVersion, NpgsqlDbType.Text);
                Nullable(copy, record.Precision);
                copy.Write(record.InputHash, NpgsqlDbType.Text);
                Nullable(copy, record.Prediction);
                Nullable(copy, record.Confidence);
                Nullable(copy, record.Value);
                copy.Write(record.Source, NpgsqlDbType.Text);
            }

            copy.Complete();
        }

        transaction.Commit();
    }

    private static void Nullable(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, NpgsqlDbType.Text);
        }
    }

    private static void Nullable(NpgsqlBinaryImporter copy, double? value)
    {
        if (value is { } number)
        {
            copy.Write(number, NpgsqlDbType.Double);
        }
        else
        {
            copy.WriteNull();
        }
    }
}
