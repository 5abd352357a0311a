using System.Globalization;
using Newtonsoft.Json;

namespace DigitForge.Engine.Config;

/// <summary>
/// Refuses Newtonsoft's lenient conversions ("5" to 5, 2.5 to 2, 1 to "1"): in a recipe a value
/// of the wrong kind is a mistake to report, not to guess at.
/// </summary>
internal sealed class StrictValueConverter : JsonConverter
{
    public override bool CanWrite => false;

    public override bool CanConvert(Type objectType) =>
        (Nullable.GetUnderlyingType(objectType) ?? objectType) is var type
        && (type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(bool) || type == typeof(string));

    public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
    {
        var type = Nullable.GetUnderlyingType(objectType) ?? objectType;
        if (reader.TokenType == JsonToken.Null && (Nullable.GetUnderlyingType(objectType) is not null || type == typeof(string)))
        {
            return null;
        }

        return (type, reader.TokenType) switch
        {
            _ when type == typeof(int) && reader.TokenType == JsonToken.Integer => checked((int)(long)reader.Value!),
            _ when type == typeof(long) && reader.TokenType == JsonToken.Integer => (long)reader.Value!,
            _ when type == typeof(double) && reader.TokenType is JsonToken.Integer or JsonToken.Float => Convert.ToDouble(reader.Value, CultureInfo.InvariantCulture),
            _ when type == typeof(bool) && reader.TokenType == JsonToken.Boolean => (bool)reader.Value!,
            _ when type == typeof(string) && reader.TokenType == JsonToken.String => (string)reader.Value!,
            _ => throw new JsonSerializationException($"unexpected {reader.TokenType} for {type.Name}"),
        };
    }

    public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer) =>
        throw new NotSupportedException("Only used for reading.");
}
