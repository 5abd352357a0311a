using DigitForge.Registry;
using DigitForge.Engine.Config;
using DigitForge.Inference;
using DigitForge.Registry.Store;
using DigitForge.Remote;

namespace DigitForge.Scoring.Models;

/// <summary>
/// Turns <c>--model</c> into an ONNX file: <c>production</c> (the registry's production version),
/// a registered version as every models command names it (<c>7</c>, <c>v7</c>, <c>v0007</c>, <c>v0007-3fa2c1d</c>), or a path to an .onnx file. Registry
/// versions are checked against their manifest first, so a tampered model is refused. A version's int8 model
/// is used when it has an accepted one, unless <c>--precision fp32</c> asks for FP32 (see <see cref="PrecisionChoice"/>).
/// Every failure is a <see cref="ScoringSetupException"/> naming the registry, version or file.
/// The registry is the one DIGITFORGE_REGISTRY configures (see <see cref="RegistrySettings"/>): the local folder
/// <c>modelsRoot</c> by default, or a remote registry whose versions are downloaded, hash-checked, into it.
/// </summary>
public static class ModelResolver
{
    public const string Production = "production";

    /// <summary>The pipeline whose registry holds the ONNX digit models scored and served.</summary>
    public const string Pipeline = "mnist";

    /// <summary>The registry scoring and serving read: the environment's choice, or <paramref name="modelsRoot"/>.</summary>
    public static ModelRegistry OpenRegistry(string modelsRoot) => RegistrySettings.Open(modelsRoot, Pipeline);

    /// <param name="precision">null: int8 when the version has an accepted int8 model, else FP32.</param>
    public static ResolvedModel Resolve(string model, string modelsRoot, ModelPrecision? precision = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (model.Equals(Production, StringComparison.OrdinalIgnoreCase))
        {
            var registry = Open(modelsRoot);
            var entry = Registry(registry, r => r.Production())
                ?? throw new ScoringSetupException(SetupProblem.Input, registry.IsRemote || File.Exists(registry.FilePath)
                    ? $"{registry.FilePath} has no production model yet; promote one (./build.sh --target=Promote) or pass --model vN or a .onnx path"
                    : $"no model registry at {registry.FilePath}; run ./build.sh --target=Promote, pass --models-root, or pass --model path.onnx");
            return FromRegistry(registry, entry.Version, Production, precision);
        }

        // The registry's own grammar, as every models command reads it: 7, v7, v0007, v0007-3fa2c1d.
        if (ModelReference.TryParse(model, out var reference))
        {
            var registry = Open(modelsRoot);
            return FromRegistry(registry, Registry(registry, reference.Resolve), "version", precision);
        }

        var path = Path.GetFullPath(model);
        if (File.Exists(path) && precision is not null)
        {
            // A file is scored as it is: its metadata says its precision.
            throw new ScoringSetupException(SetupProblem.Usage, $"--precision chooses between a registry version's models; {path} is one file, scored as it is (leave --precision out)");
        }

        if (File.Exists(path))
        {
            return new ResolvedModel(path, path);
        }

        throw new ScoringSetupException(SetupProblem.Input, model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
            ? $"--model: no such file {path}"
            : $"--model '{model}': expected 'production', a version such as v3, or the path of an .onnx file (no file {path})");
    }

    private static ResolvedModel FromRegistry(ModelRegistry registry, int number, string role, ModelPrecision? precision)
    {
        var (entry, version, manifest) = Registry(registry, r =>
        {
            var entry = r.GetStored(number);
            var store = r.Store;
            var version = store.Get(number);
            store.EnsureIntact(version);
            return (entry, version, store.ReadManifest(version));
        });
        if (!File.Exists(version.OnnxPath))
        {
            throw new ScoringSetupException(SetupProblem.Input, $"{entry.Name} has no {ModelVersion.OnnxFileName} ({version.OnnxPath}); it was stored before models were exported to ONNX: promote a new version, or pass --model path.onnx");
        }

        if (!PrecisionChoice.TrySelect(version, manifest, precision, out var choice, out var problem))
        {
            throw new ScoringSetupException(SetupProblem.Usage, problem);
        }

        var source = new RegistrySource(version, role, choice, precision is not null);
        return new ResolvedModel(choice.OnnxPath, source.Describe(choice)) { Source = source };
    }

    /// <summary>
    /// Opens a session of <paramref name="resolved"/> with <paramref name="load"/>. A registry version's is checked
    /// against its golden set first (see <see cref="GoldenGate"/>), which may put FP32 in place of int8: the model
    /// returned is the one in use. Throws <see cref="GoldenCheckFailedException"/> when the version must not be used here.
    /// </summary>
    public static (ResolvedModel Model, OnnxDigitModel Session, GoldenOutcome? Golden) Open(ResolvedModel resolved, Func<string, OnnxDigitModel> load)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        if (resolved.Source is not { } source)
        {
            return (resolved, load(resolved.OnnxPath), null);
        }

        var gated = GoldenGate.Load(source.Version, source.Choice, source.Requested, "scoring", load);
        var used = gated.Choice == source.Choice ? resolved : new ResolvedModel(gated.Choice.OnnxPath, source.Describe(gated.Choice)) { Source = source with { Choice = gated.Choice } };
        return (used, gated.Model, gated.Golden);
    }

    private static ModelRegistry Open(string modelsRoot)
    {
        try
        {
            return OpenRegistry(modelsRoot);
        }
        catch (ConfigException ex)
        {
            throw new ScoringSetupException(SetupProblem.Usage, ex.Message, ex);
        }
    }

    /// <summary>Runs registry calls, turning their errors (unknown version, damaged registry or model files) into setup errors.</summary>
    private static T Registry<T>(ModelRegistry registry, Func<ModelRegistry, T> call)
    {
        try
        {
            return call(registry);
        }
        catch (RegistryUnavailableException ex)
        {
            throw new ScoringSetupException(SetupProblem.RemoteUnavailable, ex.Message, ex);
        }
        catch (Exception ex) when (ex is RegistryException or InvalidDataException or IOException)
        {
            throw new ScoringSetupException(SetupProblem.Input, ex.Message, ex);
        }
    }
}
