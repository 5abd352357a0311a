namespace DigitForge.Registry;

/// <summary>A remote registry could not be reached; the message names its endpoint. Nothing local was changed.</summary>
public sealed class RegistryUnavailableException(string message, Exception inner) : RegistryException(message, inner);
