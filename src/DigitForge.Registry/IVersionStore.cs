using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

namespace DigitForge.Registry;

/// <summary>
/// The files of model versions: the local <see cref="ModelStore"/>, or a remote store that keeps a
/// verified local copy of each version it hands out. A version's files never change once stored.
/// </summary>
public interface IVersionStore
{
    /// <summary>The store's folder or address, for messages.</summary>
    string Location { get; }

    /// <summary>
    /// Stores the files <paramref name="writeVersion"/> writes (given the folder and the version's name) as a
    /// new version holding <paramref name="contentHash"/>, or returns the version already holding it.
    /// </summary>
    AddedModel Add(string contentHash, Func<string, string, JObject> writeVersion);

    /// <summary>The version numbered <paramref name="number"/>, as a local folder.</summary>
    ModelVersion Get(int number);

    ModelManifest ReadManifest(ModelVersion version);

    /// <summary>What differs between the version's files and its manifest; empty when intact.</summary>
    IReadOnlyList<string> Verify(ModelVersion version);

    /// <summary>Throws <see cref="InvalidDataException"/>, naming each file, when the files do not match the manifest.</summary>
    void EnsureIntact(ModelVersion version);

    /// <summary>Removes the files of version <paramref name="number"/>, if any are left.</summary>
    void Remove(int number);
}
