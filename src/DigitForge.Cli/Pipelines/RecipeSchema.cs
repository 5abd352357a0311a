using System.Reflection;
using DigitForge.Engine.Config;
using DigitForge.Engine.Pipelines;
using Newtonsoft.Json;
using Newtonsoft.Json.Converters;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;
using NJsonSchema;
using NJsonSchema.Generation;
using NJsonSchema.NewtonsoftJson.Generation;

namespace DigitForge.Cli.Pipelines;

/// <summary>
/// A pipeline's recipe as JSON Schema, generated from its config class as <see cref="ConfigLoader{T}"/> binds it:
/// camelCase keys, enums as lower-case names, unknown keys refused (additionalProperties false), [Range] as
/// minimum/maximum, doc comments as descriptions, the class defaults as defaults. Checked in as
/// configs/&lt;pipeline&gt;/config.schema.json, where the recipes point at it with "$schema".
/// </summary>
public static class RecipeSchema
{
    public const string FileName = "config.schema.json";

    /// <summary>What a recipe's <c>"$schema"</c> says: the schema beside it.</summary>
    public const string Reference = "./" + FileName;

    private static readonly CamelCaseNamingStrategy Naming = new();

    private static readonly JsonSerializerSettings Serializer = new()
    {
        ContractResolver = new DefaultContractResolver { NamingStrategy = Naming },
        Converters = { new StringEnumConverter(Naming, allowIntegerValues: false) },
    };

    /// <summary>The checked-in schema's path for <paramref name="pipeline"/>, under the repository root.</summary>
    public static string PathFor(string root, IPipelineDefinition pipeline) => Path.Combine(root, "configs", pipeline.Name, FileName);

    public static JsonSchema Generate(IPipelineDefinition pipeline)
    {
        var settings = new NewtonsoftJsonSchemaGeneratorSettings
        {
            SerializerSettings = Serializer,
            SchemaType = SchemaType.JsonSchema,
            GenerateEnumMappingDescription = false,
        };
        settings.SchemaProcessors.Add(new DefaultsFromClass());
        var schema = JsonSchema.FromType(pipeline.ConfigType, settings);
        schema.Title = $"DigitForge {pipeline.Name} recipe";
        schema.Description = $"{pipeline.Description} Generated from {pipeline.ConfigType.Name} by `digitforge config schema --pipeline {pipeline.Name}`; do not edit by hand.";
        schema.Properties[ConfigLoader<object>.SchemaKey] = new JsonSchemaProperty
        {
            Type = JsonObjectType.String,
            Description = "This schema's path, for editors; the build ignores it.",
        };
        return schema;
    }

    /// <summary>The schema as the checked-in file holds it: indented, '\n' line ends, a final newline.</summary>
    public static string ToText(JsonSchema schema) => schema.ToJson(Formatting.Indented).ReplaceLineEndings("\n") + "\n";

    /// <summary>
    /// Keys whose class default is set are optional in the file (the loader's [Required] only refuses null),
    /// and the schema shows the default.
    /// </summary>
    private sealed class DefaultsFromClass : ISchemaProcessor
    {
        public void Process(SchemaProcessorContext context)
        {
            var type = context.ContextualType.Type;
            if (!type.IsClass || type.GetConstructor(Type.EmptyTypes) is null || context.Schema.Properties.Count == 0)
            {
                return;
            }

            var instance = Activator.CreateInstance(type);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var key = Naming.GetPropertyName(property.Name, hasSpecifiedName: false);
                if (!context.Schema.Properties.TryGetValue(key, out var schemaProperty) || property.GetValue(instance) is not { } value)
                {
                    continue;
                }

                schemaProperty.IsRequired = false;
                if (JToken.FromObject(value, JsonSerializer.Create(Serializer)) is JValue or JArray)
                {
                    schemaProperty.Default = JToken.FromObject(value, JsonSerializer.Create(Serializer));
                }
            }
        }
    }
}
