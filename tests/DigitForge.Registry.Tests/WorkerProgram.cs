using System.Globalization;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;

namespace DigitForge.Registry.Tests;

/// <summary>
/// Entry point when this test assembly runs as a child process (<c>dotnet DigitForge.Registry.Tests.dll
/// worker &lt;models&gt; &lt;name&gt; &lt;count&gt;</c>): stores, registers and promotes <c>count</c> models,
/// printing one line per finished round so the parent knows how far it got.
/// </summary>
public static class WorkerProgram
{
    public const string Command = "worker";

    public static int Main(string[] args)
    {
        if (args is not [Command, var models, var name, var countText] || !int.TryParse(countText, CultureInfo.InvariantCulture, out var count))
        {
            Console.Error.WriteLine($"usage: {Command} <models folder> <worker name> <rounds>");
            return 2;
        }

        var store = new ModelStore(models);
        var registry = new ModelRegistry(store);
        for (var round = 0; round < count; round++)
        {
            var model = TestModels.Add(store, $"{name}-{round}").Version;
            var metrics = TestModels.Metrics();
            registry.Register(model, metrics);
            registry.Promote(model.Number, QualityGate.Decide(metrics, registry.Production()?.Metrics, new GateConfig(), TestModels.Digits));
            Console.WriteLine($"{name} {round} {model.Name}");
        }

        return 0;
    }
}
