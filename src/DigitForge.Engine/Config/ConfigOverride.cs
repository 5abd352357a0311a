using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace DigitForge.Engine.Config;

/// <summary>A <c>--set section.key=value</c> override. The value is read as JSON when it parses, else as a string.</summary>
public sealed record ConfigOverride(string Path, JToken Value)
{
    public static ConfigOverride Parse(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ConfigException($"--set '{text}': expected section.key=value");
        }

        var path = text[..equals].Trim();
        if (path.Split('.').Any(string.IsNullOrWhiteSpace))
        {
            throw new ConfigException($"--set '{text}': '{path}' is not a dotted key such as train.epochs");
        }

        return new ConfigOverride(path, ParseValue(text[(equals + 1)..]));
    }

    private static JToken ParseValue(string raw)
    {
        try
        {
            return JToken.Parse(raw);
        }
        catch (JsonReaderException)
        {
            return new JValue(raw);
        }
    }

    /// <summary>Sets the value in <paramref name="root"/>; intermediate objects must already exist or are created.</summary>
    public void ApplyTo(JObject root)
    {
        var keys = Path.Split('.');
        var node = root;
        foreach (var key in keys[..^1])
        {
            var property = FindProperty(node, key);
            if (property?.Value is JObject child)
            {
                node = child;
                continue;
            }

            if (property is not null && property.Value.Type != JTokenType.Null)
            {
                throw new ConfigException($"--set {Path}: '{key}' is a value, not a section");
            }

            child = [];
            if (property is null)
            {
                node[key] = child;
            }
            else
            {
                property.Value = child;
            }

            node = child;
        }

        var last = FindProperty(node, keys[^1]);
        if (last is null)
        {
            node[keys[^1]] = Value;
        }
        else
        {
            last.Value = Value;
        }
    }

    // Keys match case-insensitively, as the typed binding does.
    private static JProperty? FindProperty(JObject node, string key) =>
        node.Properties().FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));
}
