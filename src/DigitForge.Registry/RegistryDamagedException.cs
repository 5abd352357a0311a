namespace DigitForge.Registry;

/// <summary>
/// <c>registry.json</c> cannot be trusted. It is never rewritten from this state: the message names
/// the file and the problem, and says whether the backup can restore it.
/// </summary>
public sealed class RegistryDamagedException(string path, string problem, string advice)
    : RegistryException($"{path} is damaged: {problem}. It was left unchanged. {advice}");
