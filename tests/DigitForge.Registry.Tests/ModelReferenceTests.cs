using DigitForge.Registry.Store;

namespace DigitForge.Registry.Tests;

[Trait("Category", "Unit")]
public sealed class ModelReferenceTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("7", 7, null)]
    [InlineData("v7", 7, null)]
    [InlineData("v0007", 7, null)]
    [InlineData(" v0012-3FA2C1D ", 12, "3fa2c1d")]
    public void Accepts_the_ways_people_name_a_version(string text, int number, string? hash) =>
        ModelReference.Parse(text).Should().Be(new ModelReference(number, hash));

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("latest")]
    [InlineData("v0007-3fa2")]
    [InlineData("-1")]
    public void Refuses_anything_else_saying_what_is_expected(string text)
    {
        var act = () => ModelReference.Parse(text);

        act.Should().Throw<RegistryException>().WithMessage($"'{text}' is not a model version; expected a number such as 7, v7, v0007 or a folder name such as v0007-3fa2c1d");
    }

    [Fact]
    public void A_folder_name_must_match_the_registered_version()
    {
        var store = new ModelStore(temp.File("models"));
        var registry = new ModelRegistry(store);
        var model = TestModels.Add(store, "a").Version;
        registry.Register(model, TestModels.Metrics());

        ModelReference.Parse(model.Name).Resolve(registry).Should().Be(1);
        var wrongHash = () => ModelReference.Parse("v0001-0000000").Resolve(registry);
        wrongHash.Should().Throw<RegistryException>().WithMessage($"version 1 is {model.Name}, not v0001-0000000");
        var unknown = () => ModelReference.Parse("v2").Resolve(registry);
        unknown.Should().Throw<RegistryException>().WithMessage($"*version 2 is not registered; known versions: {model.Name}");
    }
}
