using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace DigitForge.Engine.History;

/// <summary>A resolved config as dotted keys (<c>train.schedule.gamma</c>) to display values, so runs compare key by key.</summary>
public static class ConfigFlattener
{
    /// <summary>Objects are walked; arrays and scalars are leaves (an array is shown as compact JSON).</summary>
    public static SortedDictionary<string, string> Flatten(JToken? config)
    {
        var flat = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (config is not null)
        {
            Walk(config, string.Empty, flat);
        }

        return flat;
    }

    /// <summary>How a value is shown and compared: invariant, with round-trip doubles, strings bare.</summary>
    public static string Display(JToken value) => value switch
    {
        JValue { Type: JTokenType.Null } => "null",
        JValue { Type: JTokenType.String } s => (string)s!,
        JValue { Type: JTokenType.Boolean } b => (bool)b ? "true" : "false",
        JValue { Type: JTokenType.Float } f => ((double)f).ToString("R", CultureInfo.InvariantCulture),
        JValue v => Convert.ToString(v.Value, CultureInfo.InvariantCulture) ?? string.Empty,
        _ => value.ToString(Formatting.None),
    };

    private static void Walk(JToken token, string prefix, SortedDictionary<string, string> flat)
    {
        if (token is JObject obj && obj.HasValues)
        {
            foreach (var property in obj.Properties())
            {
                Walk(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}", flat);
            }

            return;
        }

        flat[prefix] = Display(token);
    }
}
