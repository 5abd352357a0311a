using System.Reflection;

namespace DigitForge.Tests.Shared;

/// <summary>
/// Every test class of this assembly is marked Unit or EndToEnd, exactly one of them: the quick command
/// (<c>--filter "Category=Unit"</c>) and the full one of docs/test-suite.md rely on it. Compiled into every test project.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CategoryTraitTests
{
    private static readonly string[] Kinds = ["Unit", "EndToEnd"];

    [Fact]
    public void Every_test_class_is_either_Unit_or_EndToEnd()
    {
        var unmarked = typeof(CategoryTraitTests).Assembly.GetTypes()
            .Where(type => type.GetMethods().Any(method => method.IsDefined(typeof(FactAttribute), inherit: true)))
            .Where(type => Categories(type).Count(Kinds.Contains) != 1)
            .Select(type => $"{type.FullName}: [{string.Join(", ", Categories(type))}]");

        unmarked.Should().BeEmpty("each test class needs exactly one of [Trait(\"Category\", \"Unit\")] or [Trait(\"Category\", \"EndToEnd\")]");
    }

    private static IEnumerable<string> Categories(Type type) =>
        type.GetCustomAttributesData()
            .Where(attribute => attribute.AttributeType == typeof(TraitAttribute) && Equals(attribute.ConstructorArguments[0].Value, "Category"))
            .Select(attribute => (string)attribute.ConstructorArguments[1].Value!);
}
