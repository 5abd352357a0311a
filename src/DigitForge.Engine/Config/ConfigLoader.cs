using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace DigitForge.Engine.Config;

/// <summary>
/// Reads a JSON recipe into <typeparamref name="T"/>, applies <c>--set</c> overrides, and rejects
/// unknown keys, wrong types and out-of-range values before any work starts, naming each key.
/// </summary>
public static class ConfigLoader<T>
    where T : class, new()
{
    /// <summary>The recipe's own key naming its JSON Schema (<c>"$schema": "./config.schema.json"</c>), for editors; not part of the config.</summary>
    public const string SchemaKey = "$schema";

    private static readonly CamelCaseNamingStrategy Naming = new();

    public static T Load(string path, IEnumerable<ConfigOverride> overrides)
    {
        if (!File.Exists(path))
        {
            throw new ConfigException($"{path}: config file not found");
        }

        JObject root;
        try
        {
            root = JObject.Parse(File.ReadAllText(path));
        }
        catch (JsonReaderException ex)
        {
            throw new ConfigException($"{path}: not valid JSON ({ex.Message})");
        }

        foreach (var setting in overrides)
        {
            setting.ApplyTo(root);
        }

        return Bind(root, path);
    }

    public static T Bind(JObject root, string source)
    {
        var errors = new List<string>();
        if (root.Property(SchemaKey) is { } schema)
        {
            if (schema.Value.Type != JTokenType.String)
            {
                throw new ConfigException($"{source}: invalid config:{Environment.NewLine}  '{SchemaKey}': expected a string (the path of the recipe's JSON Schema), got {schema.Value.ToString(Formatting.None)}");
            }

            root = (JObject)root.DeepClone();
            root.Remove(SchemaKey);
        }

        var serializer = JsonSerializer.Create(new JsonSerializerSettings
        {
            ContractResolver = new DefaultContractResolver { NamingStrategy = Naming },
            MissingMemberHandling = MissingMemberHandling.Error,
            Converters = { new StringEnumConverter(Naming, allowIntegerValues: false), new StrictValueConverter() },
            Culture = CultureInfo.InvariantCulture,
            Error = (_, args) =>
            {
                // Report the innermost failure once, then keep going so every bad key is listed.
                if (args.CurrentObject == args.ErrorContext.OriginalObject)
                {
                    errors.Add(DescribeBindingError(args.ErrorContext, root));
                }

                args.ErrorContext.Handled = true;
            },
        });

        var config = root.ToObject<T>(serializer) ?? new T();
        if (errors.Count == 0)
        {
            Validate(config, prefix: string.Empty, errors);
        }

        if (errors.Count > 0)
        {
            throw new ConfigException($"{source}: invalid config:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors));
        }

        return config;
    }

    private static string DescribeBindingError(Newtonsoft.Json.Serialization.ErrorContext context, JObject root)
    {
        var path = context.Path ?? string.Empty;
        if (context.Error.Message.StartsWith("Could not find member", StringComparison.Ordinal))
        {
            return $"'{path}': unknown key";
        }

        var given = root.SelectToken(path)?.ToString(Formatting.None) ?? "(missing)";
        var expected = context.OriginalObject?.GetType()
            .GetProperties()
            .FirstOrDefault(p => string.Equals(p.Name, context.Member?.ToString(), StringComparison.OrdinalIgnoreCase))
            ?.PropertyType;
        return $"'{path}': expected {Describe(expected)}, got {given}";
    }

    private static string Describe(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "a different value",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(double) || type == typeof(float) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(string) => "a string",
            _ when type.IsEnum => "one of " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant())),
            _ when type.IsArray => "a list",
            _ => "an object",
        };
    }

    private static void Validate(object node, string prefix, List<string> errors)
    {
        foreach (var property in node.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = prefix + Naming.GetPropertyName(property.Name, hasSpecifiedName: false);
            var value = property.GetValue(node);
            var context = new ValidationContext(node) { MemberName = property.Name, DisplayName = key };
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
            {
                if (attribute.GetValidationResult(value, context) is not null)
                {
                    errors.Add($"'{key}': {Explain(attribute, value)}");
                }
            }

            if (value is not null && IsSection(property.PropertyType))
            {
                Validate(value, key + ".", errors);
            }
        }

        if (node is IValidatableObject validatable)
        {
            foreach (var result in validatable.Validate(new ValidationContext(node)))
            {
                var member = result.MemberNames.FirstOrDefault();
                var key = member is null ? prefix.TrimEnd('.') : prefix + Naming.GetPropertyName(member, hasSpecifiedName: false);
                errors.Add($"'{key}': {result.ErrorMessage}");
            }
        }
    }

    private static string Explain(ValidationAttribute attribute, object? value) => attribute switch
    {
        RequiredAttribute => "is required",
        RangeAttribute range => $"{Format(value)} is out of range, expected {Format(range.Minimum)} to {Format(range.Maximum)}",
        MinLengthAttribute min => $"expected at least {min.Length} characters/items",
        _ => $"{Format(value)}: {attribute.ErrorMessage ?? attribute.FormatErrorMessage("value")}",
    };

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Format)) + "]",
        _ => value.ToString() ?? string.Empty,
    };

    // Sections are our own config classes; strings, arrays and values are leaves.
    private static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && !type.IsArray && !typeof(IEnumerable).IsAssignableFrom(type);
}
