using DigitForge.Engine.Hashing;
using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

namespace DigitForge.Registry.Tests;

/// <summary>Small stand-in models: one weights file whose content, and so whose hash, is the seed.</summary>
internal static class TestModels
{
    public const string WeightsFile = "weights.bin";
    public const string TestSet = "5e7d1c0aa9b3f2e4";

    /// <summary>Class names as the MNIST pipeline declares them.</summary>
    public static IReadOnlyList<string> Digits { get; } = [.. Enumerable.Range(0, 10).Select(d => $"digit {d}")];

    public static string HashOf(string seed) => ContentHash.OfText(seed);

    public static AddedModel Add(ModelStore store, string seed) =>
        store.Add(HashOf(seed), directory => File.WriteAllText(Path.Combine(directory, WeightsFile), seed), new JObject { ["seed"] = seed });

    public static ModelMetrics Metrics(double accuracy = 0.99, double lowestRecall = 0.97, string testSet = TestSet) =>
        new(accuracy, lowestRecall, 8, testSet);
}
