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
    public static T Read<T>(string path)
    {
        try
        {
            return JsonConvert.DeserializeObject<T>(File.ReadAllText(path), Settings)
                ?? throw new InvalidDataException($"{path}: empty JSON document");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: unreadable JSON ({ex.Message})", ex);
        }
    }
}
