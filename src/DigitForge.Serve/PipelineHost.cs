using System.Text.Json.Nodes;
using DigitForge.Engine.Pipelines;
using DigitForge.Registry;
using DigitForge.Remote;

namespace DigitForge.Serve;

/// <summary>A production version of a pipeline as served: its predictor (freed after the last reference) and what /v1/{pipeline}/model says about it.</summary>
internal sealed class ServedVersion(IServedModel model, int number, string name, DateTimeOffset created, JsonNode? metrics) : SharedModel
{
    public IServedModel Model { get; } = model;

    public int Number { get; } = number;

    /// <summary>The registry's folder name, e.g. v0003-3fa2c1d.</summary>
    public string Name { get; } = name;

    public DateTimeOffset Created { get; } = created;

    public JsonNode? Metrics { get; } = metrics;

    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;

    protected override void Free() => Model.Dispose();
}

/// <summary>
/// One pipeline of the catalogue that has a server (<see cref="IPipelineDefinition.Server"/>), served from its registry
/// (artifacts/&lt;pipeline&gt;/models under <see cref="ServeOptions.Artifacts"/>) and following its promotions and rollbacks.
/// </summary>
internal sealed partial class PipelineHost(IPipelineDefinition pipeline, ServeOptions options, ServeMetrics metrics, ILogger<PipelineHost> logger)
    : RegistryFollower<ServedVersion>(RegistrySettings.Open(options.PipelineModels(pipeline.Name), pipeline.Name, options.Registry, options.StorageConnectionString), options, metrics, logger)
{
    public IPipelineDefinition Pipeline => pipeline;

    public IPipelineServer Server { get; } = pipeline.Server ?? throw new ArgumentException($"pipeline {pipeline.Name} has no server", nameof(pipeline));

    protected override ServedVersion Load(RegistryEntry entry)
    {
        var version = StoredVersion(Registry, entry);
        Registry.Store.EnsureIntact(version);
        return new ServedVersion(Server.Load(version.Directory, Options.Threads), entry.Version, entry.Name, entry.CreatedAt, VersionMetrics(version, entry));
    }

    protected override void Swapped(ServedVersion loaded, ServedVersion? previous)
    {
        Metrics.PipelineSwapped(pipeline.Name, loaded.Name, previous?.Name);
        LogSwapped(Logger, pipeline.Name, loaded.Name, previous?.Name ?? "none");
    }

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "Serving {Pipeline} model {ModelVersion} (was {PreviousVersion})")]
    private static partial void LogSwapped(ILogger logger, string pipeline, string modelVersion, string previousVersion);
}
