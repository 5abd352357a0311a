namespace DigitForge.Registry;

/// <summary>
/// Where the registry document lives and how it changes without losing a concurrent update: a local
/// file under an OS lock (<see cref="LocalRegistryDocuments"/>) or a remote object replaced by
/// compare-and-swap (DigitForge.Remote).
/// </summary>
public interface IRegistryDocuments
{
    /// <summary>The document's path or address, for messages.</summary>
    string Location { get; }

    /// <summary>The registry, empty when none was written yet; a damaged one throws <see cref="RegistryDamagedException"/>.</summary>
    RegistryDocument Read();

    /// <summary>A value that changes whenever the document does (null while there is none), cheap to ask often.</summary>
    string? ChangeToken();

    /// <summary>
    /// Reads, applies <paramref name="change"/> and writes. <paramref name="change"/> may run more than once
    /// (a remote store re-runs it on a fresh copy when another writer got in first), so it must only change
    /// the document it is given; an exception from it writes nothing.
    /// </summary>
    T Mutate<T>(Func<RegistryDocument, T> change);
}
