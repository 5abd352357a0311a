using DigitForge.Engine.Hashing;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

namespace DigitForge.Scoring.Tests;

/// <summary>A models folder as the pipeline leaves it: versions holding model.onnx, registered, one promoted.</summary>
internal sealed class TestRegistry(string root)
{
    private static readonly GateDecision Pass = new([new GateCheck("test", true, "passes")]);

    public string Root { get; } = root;

    public ModelStore Store { get; } = new(root);

    public ModelRegistry Registry { get; } = new(new ModelStore(root));

    /// <summary>Stores and registers a version whose model.onnx has <paramref name="onnx"/>'s bytes (or none),
    /// and, given <paramref name="int8Parity"/>, an int8 parity record in its manifest and (when accepted) <paramref name="int8"/> as model.int8.onnx;
    /// <paramref name="moreFiles"/> writes further files into the version's folder before the manifest hashes them.</summary>
    public ModelVersion Add(byte[]? onnx, string seed, bool promote = false, byte[]? int8 = null, JObject? int8Parity = null, Action<string>? moreFiles = null)
    {
        var details = int8Parity is null ? new JObject() : new JObject { ["int8"] = new JObject { ["parity"] = int8Parity } };
        var version = Store.Add(ContentHash.OfText(seed), directory =>
        {
            File.WriteAllText(Path.Combine(directory, "model.json"), seed);
            if (onnx is not null)
            {
                File.WriteAllBytes(Path.Combine(directory, ModelVersion.OnnxFileName), onnx);
            }

            if (int8 is not null)
            {
                File.WriteAllBytes(Path.Combine(directory, ModelVersion.Int8OnnxFileName), int8);
            }

            moreFiles?.Invoke(directory);
        }, details).Version;
        Registry.Register(version, new ModelMetrics(0.99, 0.98, 3, "test-set"));
        if (promote)
        {
            Registry.Promote(version.Number, Pass);
        }

        return version;
    }
}
