namespace DigitForge.Monitoring.Store;

/// <summary>One step of the schema, applied once, in order; <see cref="Sql"/> is per backend where their SQL differs.</summary>
internal sealed record Migration(int Version, string Description, Func<SqlDialect, string> Sql);

/// <summary>
/// The monitoring schema as ordered migrations. A database records each applied one in
/// <c>schema_version</c>; opening a store applies the missing ones in one transaction. Append new
/// steps at the end; never edit an applied one. Times are Unix milliseconds (UTC) on every backend.
/// </summary>
internal static class Migrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "prediction log", d => $"""
            CREATE TABLE predictions (
                seq {d.Identity},
                id TEXT NOT NULL,
                at_ms BIGINT NOT NULL,
                pipeline TEXT NOT NULL,
                model_version TEXT NOT NULL,
                precision TEXT NULL,
                input_hash TEXT NOT NULL,
                prediction TEXT NULL,
                confidence {d.Double} NULL,
                value {d.Double} NULL,
                source TEXT NOT NULL);
            CREATE INDEX predictions_pipeline_at ON predictions (pipeline, at_ms);
            """),
        new(2, "outcomes, and lookups by id and input", d => $"""
            CREATE TABLE outcomes (
                pipeline TEXT NOT NULL,
                id TEXT NOT NULL,
                label TEXT NULL,
                value {d.Double} NULL,
                recorded_at_ms BIGINT NOT NULL,
                source TEXT NOT NULL,
                PRIMARY KEY (pipeline, id));
            CREATE INDEX predictions_pipeline_id ON predictions (pipeline, id);
            CREATE INDEX predictions_pipeline_input ON predictions (pipeline, input_hash);
            """),
        new(3, "no index on input hashes (random keys made each logged prediction several times dearer)", _ => """
            DROP INDEX IF EXISTS predictions_pipeline_input;
            """),
        new(4, "the content of labelled inputs, so feedback exports without their files", d => $"""
            CREATE TABLE inputs (
                pipeline TEXT NOT NULL,
                input_hash TEXT NOT NULL,
                content {d.Bytes} NOT NULL,
                PRIMARY KEY (pipeline, input_hash));
            """),
    ];

    public static int Latest => All[^1].Version;
}

/// <summary>What differs between the backends' SQL.</summary>
internal sealed record SqlDialect(string Name, string Identity, string Double, string Bytes)
{
    public static SqlDialect Sqlite { get; } = new("sqlite", "INTEGER PRIMARY KEY", "REAL", "BLOB");

    public static SqlDialect Postgres { get; } = new("postgres", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "DOUBLE PRECISION", "BYTEA");
}
