using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace DigitForge.Engine.Hashing;

/// <summary>
/// One JSON text per value: camelCase names, keys sorted, no indentation, invariant numbers.
/// Two equal values always hash the same, whatever the order their keys were written in.
/// </summary>
public static class CanonicalJson
{
    public static readonly JsonSerializer Serializer = JsonSerializer.Create(new JsonSerializerSettings
    {
        ContractResolver = new DefaultContractResolver { NamingStrategy = new CamelCaseNamingStrategy { ProcessDictionaryKeys = false } },
        Converters = { new Newtonsoft.Json.Converters.StringEnumConverter(new CamelCaseNamingStrategy()) },
        Culture = System.Globalization.CultureInfo.InvariantCulture,
        FloatFormatHandling = FloatFormatHandling.String,
        NullValueHandling = NullValueHandling.Include,
    });

    public static JToken ToToken(object? value) => value is null ? JValue.CreateNull() : JToken.FromObject(value, Serializer);

    public static string Serialize(object? value) => Sorted(ToToken(value)).ToString(Formatting.None);

    public static string Hash(object? value) => ContentHash.OfText(Serialize(value));

    private static JToken Sorted(JToken token) => token switch
    {
        JObject obj => new JObject(obj.Properties().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new JProperty(p.Name, Sorted(p.Value)))),
        JArray array => new JArray(array.Select(Sorted)),
        _ => token.DeepClone(),
    };
}
