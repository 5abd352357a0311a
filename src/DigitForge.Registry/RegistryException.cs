namespace DigitForge.Registry;

/// <summary>A registry or model store request that cannot be carried out; the message says why and what to do.</summary>
public class RegistryException(string message, Exception? inner = null) : Exception(message, inner);
