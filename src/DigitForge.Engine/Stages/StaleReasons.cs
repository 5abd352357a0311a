using DigitForge.Engine.Hashing;
using DigitForge.Engine.Records;
using Newtonsoft.Json.Linq;

namespace DigitForge.Engine.Stages;

/// <summary>Says, in words, which parts of a fingerprint differ from the last good run.</summary>
public static class StaleReasons
{
    public static List<string> Between(StageRecord previous, FingerprintComponents current, JToken? currentConfig)
    {
        var reasons = new List<string>();
        var before = previous.Components;
        reasons.AddRange(ChangedKeys(before.Code, current.Code).Select(name => $"code changed: {name}"));
        if (before.Config != current.Config)
        {
            var keys = ConfigChanges(previous.Config, currentConfig);
            reasons.Add(keys.Count > 0 ? $"config changed: {string.Join(", ", keys)}" : "config changed");
        }

        reasons.AddRange(ChangedKeys(before.Files, current.Files).Select(name =>
            $"input file {(!before.Files.ContainsKey(name) ? "added" : !current.Files.ContainsKey(name) ? "removed" : "changed")}: {name}"));
        reasons.AddRange(ChangedKeys(before.Inputs, current.Inputs).Select(name => $"upstream output changed: {name}"));
        reasons.AddRange(ChangedKeys(before.Environment, current.Environment).Select(name =>
            $"environment changed: {name} ({Value(before.Environment, name)} -> {Value(current.Environment, name)})"));
        return reasons;
    }

    private static IEnumerable<string> ChangedKeys(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Where(key => Value(before, key) != Value(after, key));

    private static string Value(IReadOnlyDictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var value) ? value : "none";

    /// <summary>Dotted keys whose values differ, with old and new values.</summary>
    public static List<string> ConfigChanges(JToken? before, JToken? after)
    {
        var old = Flatten(before);
        var now = Flatten(after);
        return old.Keys.Union(now.Keys).Order(StringComparer.Ordinal)
            .Where(key => Value(old, key) != Value(now, key))
            .Select(key => $"{key} ({Value(old, key)} -> {Value(now, key)})")
            .ToList();
    }

    private static Dictionary<string, string> Flatten(JToken? token)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (token is null)
        {
            return values;
        }

        var canonical = JToken.Parse(CanonicalJson.Serialize(token));
        foreach (var leaf in canonical.SelectTokens("$..*").Where(t => t is JValue || (t is JArray a && a.All(x => x is JValue))))
        {
            if (leaf.Parent is JArray && leaf is JValue)
            {
                continue;
            }

            values[leaf.Path] = leaf.ToString(Newtonsoft.Json.Formatting.None);
        }

        return values;
    }
}
