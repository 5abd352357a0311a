using System.Globalization;
using System.Text.RegularExpressions;

namespace DigitForge.Registry.Store;

/// <summary>
/// How people name a version on the command line: <c>7</c>, <c>v7</c>, <c>v0007</c> or the folder
/// name <c>v0007-3fa2c1d</c> (whose hash part must then match).
/// </summary>
public sealed partial record ModelReference(int Number, string? ShortHash)
{
    public static ModelReference Parse(string text) => TryParse(text, out var reference)
        ? reference
        : throw new RegistryException($"'{text}' is not a model version; expected a number such as 7, v7, v0007 or a folder name such as v0007-3fa2c1d");

    /// <summary>Whether <paramref name="text"/> names a version (for options that also take other things, such as a file).</summary>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelReference? reference)
    {
        var match = Pattern().Match(text.Trim());
        reference = match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? new ModelReference(number, match.Groups[2].Success ? match.Groups[2].Value.ToLowerInvariant() : null)
            : null;
        return reference is not null;
    }

    /// <summary>The version <paramref name="reference"/> names; none, or "production", names the production version.</summary>
    public static int ResolveOrProduction(ModelRegistry registry, string? reference) =>
        reference is null || reference.Trim().Equals("production", StringComparison.OrdinalIgnoreCase)
            ? registry.Production()?.Version ?? throw new RegistryException($"{registry.FilePath}: there is no production model; name a version")
            : Parse(reference).Resolve(registry);

    /// <summary>The version number, after checking a given hash part against the registered name.</summary>
    public int Resolve(ModelRegistry registry)
    {
        var entry = registry.Get(Number);
        return ShortHash is null || entry.Name.EndsWith("-" + ShortHash, StringComparison.Ordinal)
            ? Number
            : throw new RegistryException($"version {Number} is {entry.Name}, not v{Number:D4}-{ShortHash}");
    }

    [GeneratedRegex("^v?([0-9]{1,9})(?:-([0-9a-fA-F]{7}))?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
