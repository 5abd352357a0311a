using DigitForge.Registry.Gate;
using Newtonsoft.Json;

namespace DigitForge.Registry;

public enum ModelStage
{
    Candidate,
    Production,
    Archived,
    Rejected,

    /// <summary>Its folder was removed on request; the entry stays for audit and never becomes anything else.</summary>
    Deleted,
}

public enum RegistryEventKind
{
    Registered,
    Promoted,
    Rejected,
    Archived,
    RolledBack,
    Deleted,
}

/// <summary>The content of <c>registry.json</c>. Required members make a file with holes unreadable rather than zero-filled.</summary>
public sealed class RegistryDocument
{
    public const int CurrentSchema = 1;

    public int Schema { get; set; } = CurrentSchema;

    /// <summary>Ordered by version number.</summary>
    public List<RegistryEntry> Versions { get; set; } = [];
}

/// <summary>One registered model version, its stage and everything that happened to it.</summary>
public sealed class RegistryEntry
{
    [JsonProperty(Required = Required.Always)]
    public int Version { get; set; }

    /// <summary>The model's folder name in the store, e.g. <c>v0007-3fa2c1d</c>.</summary>
    [JsonProperty(Required = Required.Always)]
    public string Name { get; set; } = string.Empty;

    [JsonProperty(Required = Required.Always)]
    public string ContentHash { get; set; } = string.Empty;

    /// <summary>When the model was stored (from its manifest).</summary>
    [JsonProperty(Required = Required.Always)]
    public DateTimeOffset CreatedAt { get; set; }

    [JsonProperty(Required = Required.Always)]
    public ModelStage Stage { get; set; }

    [JsonProperty(Required = Required.Always)]
    public ModelMetrics Metrics { get; set; } = new(0, 0, 0, string.Empty);

    /// <summary>Oldest first.</summary>
    [JsonProperty(Required = Required.Always)]
    public List<RegistryEvent> Events { get; set; } = [];
}

/// <summary>
/// Something that happened to a version. <see cref="Sequence"/> numbers events across the whole
/// registry, so the order between versions is known even when clocks tie.
/// </summary>
public sealed class RegistryEvent
{
    [JsonProperty(Required = Required.Always)]
    public long Sequence { get; set; }

    [JsonProperty(Required = Required.Always)]
    public RegistryEventKind Kind { get; set; }

    [JsonProperty(Required = Required.Always)]
    public DateTimeOffset At { get; set; }

    [JsonProperty(Required = Required.Always)]
    public Actor Actor { get; set; } = new(string.Empty, string.Empty);

    /// <summary>Promoted: the gate's verdict, which a forced promotion overrode when it was reject.</summary>
    [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
    public GateOutcome? Decision { get; set; }

    /// <summary>Promoted: every gate reason; rejected: why.</summary>
    [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
    public List<string>? Reasons { get; set; }

    /// <summary>Promoted: true when a reject decision was overridden.</summary>
    [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
    public bool? Forced { get; set; }

    /// <summary>Promoted, rolled back: the version that was production before.</summary>
    [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
    public int? From { get; set; }

    /// <summary>Archived, rolled back: the version that became production.</summary>
    [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
    public int? To { get; set; }

    /// <summary>Deleted: the stage the version had until then.</summary>
    [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
    public ModelStage? Was { get; set; }
}

/// <summary>Who did it (the OS user and machine) and through what (the build's Promote stage, a CLI verb), recorded with every event.</summary>
public sealed record Actor(
    [property: JsonProperty(Required = Required.Always)] string User,
    [property: JsonProperty(Required = Required.Always)] string Host)
{
    /// <summary>The tool or command that made the change, e.g. <c>build: Promote stage</c>.</summary>
    [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
    public string? Via { get; init; }

    public static Actor Current => new(Environment.UserName, Environment.MachineName);

    public static Actor CurrentVia(string via) => Current with { Via = via };

    public override string ToString() => $"{User}@{Host}" + (Via is null ? string.Empty : $" via {Via}");
}
