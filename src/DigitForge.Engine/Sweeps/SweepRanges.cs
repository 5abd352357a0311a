using System.Collections;
using System.Reflection;
using Newtonsoft.Json.Serialization;

namespace DigitForge.Engine.Sweeps;

/// <summary>A range declared with <see cref="SweepRangeAttribute"/> on a config property, under its dotted key.</summary>
public sealed record DeclaredRange(string Key, double Min, double Max, bool Log, bool Whole);

/// <summary>Finds the ranges a config class declares, keyed as the config loader names them (camelCase, dotted).</summary>
public static class SweepRanges
{
    private static readonly CamelCaseNamingStrategy Naming = new();

    public static IReadOnlyList<DeclaredRange> Declared(Type configType)
    {
        var ranges = new List<DeclaredRange>();
        Collect(configType, string.Empty, ranges);
        return ranges;
    }

    private static void Collect(Type type, string prefix, List<DeclaredRange> ranges)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = prefix + Naming.GetPropertyName(property.Name, hasSpecifiedName: false);
            var kind = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (property.GetCustomAttribute<SweepRangeAttribute>() is { } range)
            {
                ranges.Add(new DeclaredRange(key, range.Min, range.Max, range.Log, kind == typeof(int) || kind == typeof(long)));
            }
            else if (kind.IsClass && kind != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(kind))
            {
                Collect(kind, key + ".", ranges);
            }
        }
    }
}
