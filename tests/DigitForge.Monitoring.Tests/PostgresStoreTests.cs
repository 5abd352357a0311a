using DigitForge.Monitoring.Store;

namespace DigitForge.Monitoring.Tests;

/// <summary>The store's queries and upserts on a real, throwaway PostgreSQL: the same answers as SQLite gives.</summary>
[Trait("Category", "EndToEnd")]
public sealed class PostgresStoreTests : IClassFixture<PrerequisiteReport>
{
    [SkippableFact]
    public void Migrates_appends_reads_joins_and_replaces_outcomes_as_SQLite_does()
    {
        using var server = new PostgresServer();
        var database = server.NewDatabase();
        var at = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        using (var store = PostgresMonitorStore.Open(database))
        {
            store.SchemaVersion.Should().Be(Migrations.Latest);
            store.Append([Records.Numbered(1, at), Records.Numbered(2, at), Records.Numbered(2, at.AddHours(50)), Records.Numbered(3, at.AddHours(10)) with { Prediction = null, Confidence = null, Value = 4.5, Precision = null }]);
            store.RecordOutcomes([new Outcome("mnist", "1", "7", null, at, "feedback"), new Outcome("mnist", "1", "8", null, at, "feedback")]);
        }

        // A second process (here a second connection) finds the schema in place and the rows there.
        using var again = PostgresMonitorStore.Open(database);
        again.Predictions("mnist", DateTimeOffset.MaxValue).Should().HaveCount(4).And.Contain(Records.Numbered(3, at.AddHours(10)) with { Prediction = null, Confidence = null, Value = 4.5, Precision = null });
        again.Outcomes("mnist")["1"].Label.Should().Be("8");
        again.Unsettled("mnist", at.AddHours(11)).Should().Equal("2", "3");
        again.IdsWithInputs("mnist", [Records.Numbered(2).InputHash, "never predicted"]).Should().BeEquivalentTo(new Dictionary<string, IReadOnlyList<string>> { [Records.Numbered(2).InputHash] = ["2"] });
        again.WasPredicted("mnist", "3").Should().BeTrue();
        again.KeepInputs("mnist", [[7, 8, 9], [7, 8, 9]]);
        again.KeptInput("mnist", PredictionRecord.HashOf([7, 8, 9])).Should().Equal(7, 8, 9);
        again.KeptInput("mnist", PredictionRecord.HashOf([9])).Should().BeNull();
        again.WasPredicted("hn", "3").Should().BeFalse();
    }
}
