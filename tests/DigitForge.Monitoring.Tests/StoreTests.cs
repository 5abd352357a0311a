using DigitForge.Monitoring.Store;
using Microsoft.Data.Sqlite;

namespace DigitForge.Monitoring.Tests;

[Trait("Category", "Unit")]
public sealed class StoreTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public void A_new_file_gets_the_whole_schema_in_WAL_mode_and_keeps_what_was_appended()
    {
        var path = temp.File("monitor.db");
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        using (var store = SqliteMonitorStore.Open(path))
        {
            store.SchemaVersion.Should().Be(Migrations.Latest);
            store.Append([Records.Numbered(1, at), Records.Numbered(2, at.AddSeconds(1)) with { Prediction = null, Confidence = null, Value = 12.5, Precision = null }]);
        }

        using (var again = SqliteMonitorStore.Open(path))
        {
            again.Predictions("mnist", at.AddDays(1)).Should().Equal(Records.Numbered(1, at), Records.Numbered(2, at.AddSeconds(1)) with { Prediction = null, Confidence = null, Value = 12.5, Precision = null });
            again.Predictions("hn", at.AddDays(1)).Should().BeEmpty();
            again.Predictions("mnist", at.AddSeconds(1)).Should().HaveCount(1, "until is exclusive");
        }

        Scalar(path, "PRAGMA journal_mode").Should().Be("wal");
        Scalar(path, "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version)").Should().Be(string.Join(',', Migrations.All.Select(m => m.Version)));
    }

    [Fact]
    public void A_database_at_an_older_schema_is_migrated_and_keeps_its_rows()
    {
        var path = temp.File("monitor.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at_ms BIGINT NOT NULL);"
                + Migrations.All[0].Sql(SqlDialect.Sqlite)
                + "INSERT INTO schema_version VALUES (1, 'prediction log', 0);"
                + "INSERT INTO predictions (id, at_ms, pipeline, model_version, input_hash, source) VALUES ('old.png', 5, 'mnist', 'v0001-abcdef0', 'h', 'score');";
            command.ExecuteNonQuery();
        }

        using var store = SqliteMonitorStore.Open(path);
        store.SchemaVersion.Should().Be(Migrations.Latest);
        store.WasPredicted("mnist", "old.png").Should().BeTrue();
        store.RecordOutcomes([new Outcome("mnist", "old.png", "7", null, DateTimeOffset.UnixEpoch, "feedback")]);
        store.Outcomes("mnist")["old.png"].Label.Should().Be("7");
    }

    [Fact]
    public void A_database_from_a_newer_DigitForge_is_refused_naming_both_versions()
    {
        var path = temp.File("monitor.db");
        SqliteMonitorStore.Open(path).Dispose();
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_version VALUES (99, 'future', 0)";
            command.ExecuteNonQuery();
        }

        var open = () => SqliteMonitorStore.Open(path);
        open.Should().Throw<MonitorStoreException>().WithMessage($"{path}: the monitoring schema is at version 99, newer than this DigitForge knows ({Migrations.Latest})*");
    }

    [Fact]
    public void Outcomes_are_replaced_by_id_and_unsettled_ids_are_those_predicted_early_enough_without_one()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        using var store = SqliteMonitorStore.Open(temp.File("monitor.db"));
        store.Append([Records.Numbered(1, at), Records.Numbered(2, at), Records.Numbered(2, at.AddHours(50)), Records.Numbered(3, at.AddHours(10))]);
        store.RecordOutcomes([new Outcome("mnist", "1", null, 3, at, "api"), new Outcome("mnist", "1", null, 4, at, "api")]);

        store.Outcomes("mnist")["1"].Value.Should().Be(4);
        store.Unsettled("mnist", at.AddHours(5)).Should().Equal("2");
        store.Unsettled("mnist", at.AddHours(11)).Should().Equal("2", "3");
        store.IdsWithInputs("mnist", [Records.Numbered(3).InputHash, "never predicted"]).Should().BeEquivalentTo(new Dictionary<string, IReadOnlyList<string>> { [Records.Numbered(3).InputHash] = ["3"] });
        store.LastPrediction("mnist", "2").Should().Be(Records.Numbered(2, at.AddHours(50)), "the latest of the id's predictions");
        store.LastPrediction("mnist", "4").Should().BeNull();
        store.KeepInputs("mnist", [[1, 2, 3], [4, 5], [1, 2, 3]]);
        store.KeepInputs("mnist", [[1, 2, 3]]);
        store.KeptInput("mnist", PredictionRecord.HashOf([1, 2, 3])).Should().Equal(1, 2, 3);
        store.KeptInput("mnist", PredictionRecord.HashOf([4, 5])).Should().Equal(4, 5);
        store.KeptInput("hn", PredictionRecord.HashOf([4, 5])).Should().BeNull("inputs are kept per pipeline");
        store.LastPrediction("hn", "1").Should().BeNull();
    }

    [Theory]
    [InlineData("postgres://ana@db.example:6543/monitor", "Host=db.example;Port=6543;Database=monitor;Timeout=15;Username=ana", "postgres://ana@db.example:6543/monitor")]
    [InlineData("postgresql://ana:s3cret@db.example/monitor", "Host=db.example;Port=5432;Database=monitor;Timeout=15;Username=ana;Password=s3cret", "postgresql://ana:***@db.example/monitor")]
    public void A_postgres_address_becomes_a_connection_string_and_is_named_without_its_password(string url, string expected, string location)
    {
        var (connectionString, named) = PostgresMonitorStore.Parse(url);
        connectionString.Should().Be(expected);
        named.Should().Be(location);
    }

    [Theory]
    [InlineData("mysql://ana@db/monitor")]
    [InlineData("postgres://ana@db.example")]
    public void Any_other_address_is_refused_naming_the_variable(string url)
    {
        var parse = () => PostgresMonitorStore.Parse(url);
        parse.Should().Throw<Engine.Config.ConfigException>().WithMessage($"DIGITFORGE_MONITOR={url}: expected postgres://*");
    }

    public void Dispose() => temp.Dispose();

    private static string Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
