using System.Globalization;
using System.Text.RegularExpressions;
using DigitForge.Engine.Hashing;

namespace DigitForge.Registry.Store;

/// <summary>A committed model folder such as <c>v0007-3fa2c1d</c>: version number and the start of its content hash.</summary>
public sealed partial record ModelVersion(int Number, string ShortHash, string Directory)
{
    /// <summary>The ONNX export every version holds: what the scoring tool and the service load.</summary>
    public const string OnnxFileName = "model.onnx";

    /// <summary>The statically quantized export, present only when it passed its parity check at promote.</summary>
    public const string Int8OnnxFileName = "model.int8.onnx";

    /// <summary>The golden set written at promote: fixed inputs and each precision's answers, checked wherever the version is loaded.</summary>
    public const string GoldenSetFileName = "golden-set.json";

    public string Name => NameOf(Number, ShortHash);

    public string ManifestPath => Path.Combine(Directory, ModelManifest.FileName);

    public string File(string name) => Path.Combine(Directory, name);

    public string OnnxPath => File(OnnxFileName);

    public string Int8OnnxPath => File(Int8OnnxFileName);

    public string GoldenSetPath => File(GoldenSetFileName);

    public static string NameOf(int number, string contentHash) =>
        $"v{number.ToString("D4", CultureInfo.InvariantCulture)}-{ContentHash.Short(contentHash)}";

    /// <summary>The version a folder holds, or null when its name is not a version's (staging, locks, registry).</summary>
    public static ModelVersion? TryParse(string directory)
    {
        var match = FolderName().Match(Path.GetFileName(directory));
        return match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? new ModelVersion(number, match.Groups[2].Value, directory)
            : null;
    }

    [GeneratedRegex("^v([0-9]{4,9})-([0-9a-f]{7})$")]
    private static partial Regex FolderName();
}

/// <summary>What <see cref="ModelStore.Add"/> gave back: the new version, or the existing one with the same content hash.</summary>
public sealed record AddedModel(ModelVersion Version, bool Created);
