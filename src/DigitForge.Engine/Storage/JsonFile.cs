using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Serialization;

namespace DigitForge.Engine.Storage;

/// <summary>Indented camelCase JSON files, written atomically; the one JSON style of our artifacts.</summary>
public static class JsonFile
{
    public static readonly JsonSerializerSettings Settings = new()
    {
        ContractResolver = new DefaultContractResolver { NamingStrategy = new CamelCaseNamingStrategy { ProcessDictionaryKeys = false } },
        Converters = { new StringEnumConverter(new CamelCaseNamingStrategy()) },
        Formatting = Formatting.Indented,
        Culture = System.Globalization.CultureInfo.InvariantCulture,
        DateParseHandling = DateParseHandling.DateTimeOffset,
    };

    public static void Write(string path, object value) =>
        AtomicFile.WriteAllText(path, JsonConvert.SerializeObject(value, Settings) + "\n");

    /// <summary>Reads <paramref name="path"/>; a missing or malformed file is an error naming it.</summary>
    public static T Read<T>(string path) => Parse<T>(File.ReadAllText(path), path);

    /// <summary>Reads a JSON document from <paramref name="where"/> (a file, a remote's document); a malformed one is an error naming it.</summary>
    public static T Parse<T>(string text, string where)
    {
        try
        {
            return JsonConvert.DeserializeObject<T>(text, Settings)
                ?? throw new InvalidDataException($"{where}: empty JSON document");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where}: unreadable JSON ({ex.Message})", ex);
        }
    }
}
