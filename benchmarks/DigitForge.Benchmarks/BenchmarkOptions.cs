using System.Globalization;

namespace DigitForge.Benchmarks;

/// <summary>The command line: <c>--data DIR --config FILE [--epochs N] [--rounds N] [--eval-batch N]</c>,
/// plus <c>--measure KIND --weights DIR</c> for the child processes the benchmark starts.</summary>
internal sealed record BenchmarkOptions(string Data, string Config, int Epochs, int Rounds, int? EvalBatch, string? Measure, string? Weights)
{
    public const string Usage = "usage: DigitForge.Benchmarks --data <Preprocess output folder> --config <recipe.json> [--epochs N (4)] [--rounds N (2)] [--eval-batch N (the recipe's)]";

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"expected '--name value' pairs, got '{args[i]}'");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string Required(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");
        int? Number(string name) => values.TryGetValue(name, out var value) ? int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) : null;

        var known = new HashSet<string>(["data", "config", "epochs", "rounds", "eval-batch", "measure", "weights"], StringComparer.Ordinal);
        if (values.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new ArgumentException($"unknown option --{unknown}");
        }

        var options = new BenchmarkOptions(Required("data"), Required("config"), Number("epochs") ?? 4, Number("rounds") ?? 2, Number("eval-batch"), values.GetValueOrDefault("measure"), values.GetValueOrDefault("weights"));
        if (options.Epochs < 2 || options.Rounds < 1 || options.EvalBatch is < 1)
        {
            throw new ArgumentException("--epochs must be at least 2 (the first is the warm-up), --rounds and --eval-batch at least 1");
        }

        return options;
    }

    /// <summary>The arguments that make a child process measure <paramref name="kind"/>.</summary>
    public IEnumerable<string> ForChild(string kind, string weights)
    {
        string[] common = ["--data", Data, "--config", Config, "--epochs", Epochs.ToString(CultureInfo.InvariantCulture), "--measure", kind, "--weights", weights];
        return EvalBatch is { } batch ? [.. common, "--eval-batch", batch.ToString(CultureInfo.InvariantCulture)] : common;
    }
}
