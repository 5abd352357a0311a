using DigitForge.Engine.Storage;
using DigitForge.Registry.Store;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace DigitForge.Registry;

/// <summary>The registry document's text: written as <see cref="JsonFile"/> writes, read only when its shape and content are sound.</summary>
public static class RegistryJson
{
    private static readonly string[] StageNames =
        [.. Enum.GetNames<ModelStage>().Select(name => new CamelCaseNamingStrategy().GetPropertyName(name, hasSpecifiedName: false))];

    public static string Serialize(RegistryDocument document) => JsonConvert.SerializeObject(document, JsonFile.Settings) + "\n";

    /// <summary>The document <paramref name="text"/> holds, or null with the <paramref name="problem"/>.</summary>
    public static RegistryDocument? TryParse(string text, out string? problem)
    {
        problem = null;
        JToken root;
        try
        {
            // Times stay DateTimeOffset, as JsonFile writes them; a plain parse would shift them to local time.
            using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.DateTimeOffset };
            root = JToken.ReadFrom(reader);
            while (reader.Read())
            {
                // Only comments may follow the document; the reader throws on anything else, as JToken.Parse does.
            }
        }
        catch (JsonReaderException ex)
        {
            problem = $"not valid JSON ({ex.Message})";
            return null;
        }

        problem = ShapeProblem(root);
        if (problem is not null)
        {
            return null;
        }

        RegistryDocument document;
        try
        {
            document = root.ToObject<RegistryDocument>(JsonSerializer.Create(JsonFile.Settings))!;
        }
        catch (JsonException ex)
        {
            problem = $"unreadable ({ex.Message})";
            return null;
        }

        problem = ContentProblem(document);
        return problem is null ? document : null;
    }

    // What typed reading would report vaguely or accept silently (a stage given as a number).
    private static string? ShapeProblem(JToken root)
    {
        if (root is not JObject document)
        {
            return $"expected a JSON object, found {root.Type}";
        }

        if (document["schema"] is not JValue { Type: JTokenType.Integer } schema || !Equals(schema.Value, (long)RegistryDocument.CurrentSchema))
        {
            return $"schema {document["schema"]?.ToString(Formatting.None) ?? "missing"}, expected {RegistryDocument.CurrentSchema}";
        }

        if (document["versions"] is not JArray versions)
        {
            return "'versions' is missing or not a list";
        }

        foreach (var version in versions)
        {
            if (version is not JObject entry)
            {
                return $"{version.Path}: expected an object";
            }

            var stage = entry["stage"];
            if (stage?.Type != JTokenType.String || !StageNames.Contains((string)stage!))
            {
                return $"{entry.Path} (version {entry["version"]?.ToString(Formatting.None) ?? "?"}): unknown stage "
                    + $"{stage?.ToString(Formatting.None) ?? "(missing)"}, expected one of {string.Join(", ", StageNames)}";
            }
        }

        return null;
    }

    private static string? ContentProblem(RegistryDocument document)
    {
        var known = new HashSet<int>();
        foreach (var entry in document.Versions)
        {
            if (!known.Add(entry.Version))
            {
                return $"version {entry.Version} is listed twice";
            }

            if (entry.Version < 1 || entry.ContentHash.Length < 7 || entry.Name != ModelVersion.NameOf(entry.Version, entry.ContentHash))
            {
                return $"version {entry.Version}: name '{entry.Name}' does not match its number and content hash '{entry.ContentHash}'";
            }

            if (entry.Events.FirstOrDefault(e => !Enum.IsDefined(e.Kind)) is { } odd)
            {
                return $"{entry.Name}: unknown event kind {(int)odd.Kind}";
            }
        }

        var productions = document.Versions.Where(e => e.Stage == ModelStage.Production).Select(e => e.Name).ToList();
        if (productions.Count > 1)
        {
            return $"{productions.Count} versions are production ({string.Join(", ", productions)}); at most one may be";
        }

        foreach (var entry in document.Versions)
        {
            var dangling = entry.Events.SelectMany(e => new[] { e.From, e.To }).OfType<int>().Where(v => !known.Contains(v)).ToList();
            if (dangling is [var referenced, ..])
            {
                return $"{entry.Name}: an event refers to version {referenced}, which is not listed (dangling version)";
            }
        }

        return null;
    }
}
