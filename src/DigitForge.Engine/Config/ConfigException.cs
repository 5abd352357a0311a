namespace DigitForge.Engine.Config;

/// <summary>A recipe that cannot be used: names the file and key, says what was expected.</summary>
public sealed class ConfigException(string message) : Exception(message);
