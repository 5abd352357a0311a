namespace DigitForge.Engine.Pipelines;

/// <summary>A pipeline's declaration is wrong (a missing upstream, a cycle, a duplicate name): a bug in its code, named.</summary>
public sealed class PipelineDefinitionException(string message) : Exception(message);
