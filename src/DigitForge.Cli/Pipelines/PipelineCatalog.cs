using DigitForge.Engine.Config;
using DigitForge.Engine.Pipelines;

namespace DigitForge.Cli.Pipelines;

/// <summary>Every pipeline this build hosts; <c>--pipeline=NAME</c> picks one.</summary>
public static class PipelineCatalog
{
    public const string Default = "mnist";

    public static IReadOnlyList<IPipelineDefinition> All { get; } = [new Mnist.MnistPipeline(), new HackerNews.HackerNewsPipeline()];

    public static IPipelineDefinition Find(string name) =>
        All.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ConfigException($"unknown pipeline '{name}'; pipelines are: {string.Join(", ", All.Select(p => p.Name))}");
}
