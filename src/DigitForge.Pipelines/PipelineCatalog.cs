using System.Collections.Concurrent;
using System.Reflection;
using DigitForge.Engine.Config;
using DigitForge.Engine.Pipelines;

namespace DigitForge.Pipelines;

/// <summary>
/// Every pipeline this build hosts; <c>--pipeline=NAME</c> picks one. The built-in pipelines are listed here and
/// nowhere else; each configs/&lt;name&gt;/pipeline.json under the repository root (<c>--root</c>) declares a tabular one
/// (docs/add-a-pipeline.md); a pipeline built outside this repository's CLI (a plug-in, or one that lives only in tests) is
/// loaded from the assemblies named by <see cref="AssembliesVariable"/> (docs/add-a-pipeline.md).
/// </summary>
public static class PipelineCatalog
{
    public const string Default = "mnist";

    /// <summary>Assembly paths, separated by the platform's path separator (':' on Linux, ';' on Windows), whose public
    /// <see cref="IPipelineDefinition"/> classes with a parameterless constructor are pipelines too.</summary>
    public const string AssembliesVariable = "DIGITFORGE_PIPELINE_ASSEMBLIES";

    /// <summary>One pipeline a line: <c>digitforge new-pipeline</c> adds its line at the end.</summary>
    public static IReadOnlyList<IPipelineDefinition> BuiltIn { get; } =
    [
        new Mnist.MnistPipeline(),
        new HackerNews.HackerNewsPipeline(),
    ];

    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<IPipelineDefinition>>> Everything = new(StringComparer.Ordinal);

    /// <summary>The pipelines of the repository in the current directory; see <see cref="In"/>.</summary>
    public static IReadOnlyList<IPipelineDefinition> All => In(Directory.GetCurrentDirectory());

    /// <summary>The built-in pipelines, the tabular ones under <paramref name="root"/> and those of <see cref="AssembliesVariable"/>;
    /// a bad path, a bad pipeline.json or a name given twice is a <see cref="ConfigException"/>.</summary>
    public static IReadOnlyList<IPipelineDefinition> In(string root) =>
        Everything.GetOrAdd(Path.GetFullPath(root), full => new(() => With(Environment.GetEnvironmentVariable(AssembliesVariable), full))).Value;

    /// <summary>The pipeline named <paramref name="name"/> among those <see cref="In"/> <paramref name="root"/> (null: the current directory).</summary>
    public static IPipelineDefinition Find(string name, string? root = null)
    {
        var all = In(root ?? Directory.GetCurrentDirectory());
        return all.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ConfigException($"unknown pipeline '{name}'; pipelines are: {string.Join(", ", all.Select(p => p.Name))}");
    }

    /// <summary>The built-in pipelines, those declared under <paramref name="root"/> (null: none) and in the assemblies of
    /// <paramref name="assemblies"/> (the variable's value; null: none).</summary>
    public static IReadOnlyList<IPipelineDefinition> With(string? assemblies, string? root = null)
    {
        var loaded = (assemblies ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .SelectMany(Load);
        List<IPipelineDefinition> all = [.. BuiltIn, .. root is null ? [] : Tabular.TabularPipeline.Discover(root), .. loaded];
        if (all.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ConfigException($"{AssembliesVariable}: pipeline '{twice.Key}' is declared twice ({string.Join(", ", twice.Select(p => p.GetType().FullName))})");
        }

        return all;
    }

    private static IEnumerable<IPipelineDefinition> Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new ConfigException($"{AssembliesVariable}: {full} does not exist");
        }

        Assembly assembly;
        try
        {
            // LoadFrom resolves the assembly's own dependencies from its folder; the engine's types stay the CLI's.
            assembly = Assembly.LoadFrom(full);
        }
        catch (BadImageFormatException ex)
        {
            throw new ConfigException($"{AssembliesVariable}: {full} is not a .NET assembly ({ex.Message})");
        }

        var pipelines = assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPipelineDefinition).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IPipelineDefinition)Activator.CreateInstance(t)!)
            .ToList();
        return pipelines.Count > 0
            ? pipelines
            : throw new ConfigException($"{AssembliesVariable}: {full} declares no public pipeline (a class implementing IPipelineDefinition with a parameterless constructor)");
    }
}
