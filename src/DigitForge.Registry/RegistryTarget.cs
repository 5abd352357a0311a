namespace DigitForge.Registry;

/// <summary>Where a registry is, known without opening it (no request, no lock).</summary>
/// <param name="Address">The local registry document's full path, or a remote registry's address with its account.</param>
/// <param name="LocalFile">The local registry document; null for a remote registry.</param>
public sealed record RegistryLocation(string Address, string? LocalFile);

/// <summary>
/// The registry a build promotes into, as the settings name it. A Promote stage's effect is its entry there,
/// so the stage's fingerprint records <see cref="Facts"/> (pointing the build at another registry promotes
/// the model there too), and <see cref="MissingPromotion"/> makes it run again when a local registry it
/// promoted into is gone.
/// </summary>
/// <param name="locate">Where the registry is; cheap, as every status asks it.</param>
/// <param name="open">Opens it, when the stage runs.</param>
public sealed class RegistryTarget(Func<RegistryLocation> locate, Func<ModelRegistry> open)
{
    /// <summary>The fingerprint fact naming the registry.</summary>
    public const string Fact = "registry";

    // Located once: a status asks for the facts and then for a missing promotion, and the settings do not change within a process.
    private readonly Lazy<RegistryLocation> location = new(locate);

    public ModelRegistry Open() => open();

    public RegistryLocation Locate() => location.Value;

    /// <summary>The facts a Promote stage adds to its fingerprint's environment.</summary>
    public IReadOnlyDictionary<string, string> Facts() => new Dictionary<string, string> { [Fact] = Locate().Address };

    /// <summary>
    /// Why a promotion recorded as done is no longer in the registry: its local document is gone. Null
    /// otherwise; a remote registry is not asked, as that would cost a request on every status.
    /// </summary>
    public string? MissingPromotion() =>
        Locate().LocalFile is { } file && !File.Exists(file) ? $"the registry it promoted into is gone ({file})" : null;
}
