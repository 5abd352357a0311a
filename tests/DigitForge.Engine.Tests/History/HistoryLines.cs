using DigitForge.Engine.History;
using Newtonsoft.Json.Linq;

namespace DigitForge.Engine.Tests.History;

/// <summary>Run-history lines as the CLI writes them, for the history tests and their worker processes.</summary>
internal static class HistoryLines
{
    public static readonly JObject Recipe = JObject.Parse("""{"train":{"epochs":2,"learningRate":0.001},"model":{"channels":[32,64]}}""");

    public static RunLine Line(string run, string process = "run", bool start = false, bool finish = false, StageEvent[]? stages = null,
        Dictionary<string, double>? metrics = null, GitState? git = null, string configHash = "c0ffee") => new()
    {
        Run = run,
        At = DateTimeOffset.UtcNow,
        Process = process,
        Start = start,
        Finish = finish,
        User = "alice",
        Host = "build-01",
        Git = git,
        Pipeline = "mnist",
        Target = "Evaluate",
        Config = "configs/mnist/ci.json",
        Overrides = ["train.epochs=2"],
        ConfigHash = configHash,
        Stages = stages ?? [],
        Metrics = metrics,
    };

    public static StageEvent Stage(string name, StageOutcome outcome, string why = "never run") => new(name, new string('a', 64), outcome, why, 1.5);
}
