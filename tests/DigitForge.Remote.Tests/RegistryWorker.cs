using System.Globalization;
using DigitForge.Engine.Hashing;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using Newtonsoft.Json.Linq;

namespace DigitForge.Remote.Tests;

/// <summary>
/// Entry point when this test assembly runs as a child process, one "machine" of the remote-registry tests
/// (<c>dotnet DigitForge.Remote.Tests.dll registry-worker &lt;mode&gt; &lt;working folder&gt; &lt;name&gt; &lt;rounds&gt;</c>,
/// registry in DIGITFORGE_REGISTRY and AZURE_STORAGE_CONNECTION_STRING). <c>publish</c> stores, registers and
/// promotes one model per round; <c>churn</c> also rolls back after each promotion. One line per change made.
/// </summary>
public static class RegistryWorker
{
    public const string Command = "registry-worker";
    public const string WeightsFile = "weights.bin";

    public static int Main(string[] args)
    {
        if (args is not [Command, var mode and ("publish" or "churn"), var folder, var name, var roundsText] || !int.TryParse(roundsText, CultureInfo.InvariantCulture, out var rounds))
        {
            Console.Error.WriteLine($"usage: {Command} publish|churn <working folder> <name> <rounds>");
            return 2;
        }

        try
        {
            var registry = RegistrySettings.Open(folder, "mnist");
            var actor = Actor.CurrentVia(name);
            for (var round = 0; round < rounds; round++)
            {
                var entry = Publish(registry, $"{name}-{round}", actor);
                registry.Promote(entry.Version, new GateDecision([]), force: true, actor);
                Console.WriteLine($"promoted {entry.Name}");
                if (mode == "churn")
                {
                    try
                    {
                        Console.WriteLine($"rolled back to {registry.Rollback(actor: actor).Name}");
                    }
                    catch (RegistryException ex)
                    {
                        // Another worker's change left nothing to roll back to: refused, nothing written.
                        Console.WriteLine($"refused {ex.Message}");
                    }
                }
            }

            return 0;
        }
        catch (RegistryUnavailableException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 8;
        }
    }

    public static RegistryEntry Publish(ModelRegistry registry, string seed, Actor actor)
    {
        var added = registry.Store.Add(ContentHash.OfText(seed), (directory, version) =>
        {
            File.WriteAllText(Path.Combine(directory, WeightsFile), seed);
            File.WriteAllText(Path.Combine(directory, "card.md"), $"# {version}\n");
            return new JObject { ["seed"] = seed };
        });
        return registry.Register(added.Version, new ModelMetrics(0.99, 0.97, 8, "5e7d1c0aa9b3f2e4"), actor);
    }
}
