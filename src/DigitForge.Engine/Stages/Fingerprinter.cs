using System.Collections.Concurrent;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Records;

namespace DigitForge.Engine.Stages;

/// <summary>Turns a stage's declared inputs and its upstream files into fingerprint components.</summary>
/// <param name="pipeline">Part of every fingerprint: the same stage in two pipelines never shares a cache entry.</param>
public sealed class Fingerprinter(StageStore store, string pipeline)
{
    // A process's assemblies do not change under it: each stage type is walked once per process.
    private static readonly ConcurrentDictionary<Type, SortedDictionary<string, string>> CodeHashes = new();

    // The stage types' code hashes kept between builds, beside the stage folders.
    private readonly CodeHashCache codeCache = new(Path.Combine(store.Root, ".code-hashes.json"));

    /// <summary>The components, or null with the reason when an upstream output is not usable.</summary>
    public FingerprintComponents? Compute(IStage stage, StageInputs inputs, out string? problem)
    {
        problem = null;
        var components = new FingerprintComponents
        {
            Pipeline = pipeline,
            Config = CanonicalJson.Hash(inputs.Config),
        };

        foreach (var (assembly, hash) in CodeHashes.GetOrAdd(stage.GetType(), codeCache.Of))
        {
            components.Code[assembly] = hash;
        }

        foreach (var (name, path) in inputs.Files)
        {
            if (!File.Exists(path))
            {
                problem = $"input file {path} ({name}) not found";
                return null;
            }

            components.Files[name] = ContentHash.OfFile(path);
        }

        foreach (var (name, value) in inputs.Environment)
        {
            components.Environment[name] = value;
        }

        foreach (var dependency in stage.Dependencies)
        {
            var upstream = store.TryRead(dependency.StageName, out var upstreamProblem);
            if (upstream is null)
            {
                problem = $"upstream {dependency.StageName} has no usable output ({upstreamProblem})";
                return null;
            }

            foreach (var file in dependency.Files)
            {
                var path = Path.Combine(store.DirectoryOf(dependency.StageName), file);
                if (!upstream.Outputs.TryGetValue(file, out var recorded) || !File.Exists(path) || ContentHash.OfFile(path) != recorded)
                {
                    problem = $"upstream {dependency.StageName} output {file} is missing or modified";
                    return null;
                }

                components.Inputs[$"{dependency.StageName}/{file}"] = recorded;
            }
        }

        return components;
    }

    public static string FingerprintOf(FingerprintComponents components) => CanonicalJson.Hash(components);
}
