using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using DigitForge.Engine.Storage;

namespace DigitForge.Engine.Config;

/// <summary>
/// Edits a recipe file in place, as a person would: the keys keep their order, numbers their text, the file its
/// two-space indentation and line endings, so the edit is the only change a diff shows. Written atomically.
/// </summary>
public static class RecipeFile
{
    /// <summary>
    /// Appends <paramref name="value"/> to the list of strings at <paramref name="key"/> (dotted, e.g. <c>data.feedback</c>),
    /// making the list and its sections when absent; false, with the file untouched, when the list has it already.
    /// </summary>
    public static bool AddToList(string path, string key, string value)
    {
        if (!File.Exists(path))
        {
            throw new ConfigException($"{path}: config file not found");
        }

        var text = File.ReadAllText(path);
        JsonObject root;
        try
        {
            // Comments are refused, not dropped: the loader reads them, and an edit must not lose them.
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow }) as JsonObject
                ?? throw new ConfigException($"{path}: expected a JSON object");
        }
        catch (JsonException ex)
        {
            throw new ConfigException($"{path}: cannot edit it ({ex.Message}); add {value} to '{key}' by hand");
        }

        var parts = key.Split('.');
        var section = root;
        foreach (var (part, i) in parts[..^1].Select((p, i) => (p, i)))
        {
            section = section[part] switch
            {
                null => (JsonObject)(section[part] = new JsonObject()),
                JsonObject inner => inner,
                var other => throw new ConfigException($"{path}: '{string.Join('.', parts[..(i + 1)])}': expected an object, got {other.ToJsonString()}"),
            };
        }

        var list = section[parts[^1]] switch
        {
            null => (JsonArray)(section[parts[^1]] = new JsonArray()),
            JsonArray items when items.All(item => item?.GetValueKind() == JsonValueKind.String) => items,
            var other => throw new ConfigException($"{path}: '{key}': expected a list of strings, got {other.ToJsonString()}"),
        };

        if (list.Any(item => item!.GetValue<string>() == value))
        {
            return false;
        }

        list.Add(value);
        var newLine = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var written = root.ToJsonString(new JsonSerializerOptions
        {
            WriteIndented = true,
            IndentSize = 2,
            NewLine = newLine,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        AtomicFile.WriteAllText(path, text.EndsWith('\n') ? written + newLine : written);
        return true;
    }
}
