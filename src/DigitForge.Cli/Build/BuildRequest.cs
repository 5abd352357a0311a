using System.Globalization;

namespace DigitForge.Cli.Build;

/// <summary>An argument of <c>./build.sh</c> that is unknown, repeated or malformed: a usage error, reported before any work.</summary>
public sealed class BuildArgumentException(string message) : Exception(message);

/// <summary>
/// One <c>./build.sh</c> invocation's arguments (as Cake read them: <c>--name=value</c>, a bare
/// <c>--name</c> being a flag), checked against <see cref="BuildCatalogue"/>, with the command lines
/// the targets are given.
/// </summary>
public sealed class BuildRequest
{
    private readonly Dictionary<string, List<string>> values;

    private BuildRequest(string root, string cli, Dictionary<string, List<string>> values)
    {
        Root = root;
        CliAssembly = cli;
        this.values = values;
    }

    /// <summary>The repository: relative paths in arguments are taken from here, as <c>--artifacts</c> is.</summary>
    public string Root { get; }

    /// <summary>The compiled CLI the targets' commands start.</summary>
    public string CliAssembly { get; }

    /// <summary>The target asked for; null: the pipeline's last stage.</summary>
    public string? Target => Value("target");

    public string Pipeline => Value("pipeline") ?? PipelineCatalog.Default;

    public string Artifacts => Value("artifacts") ?? "artifacts";

    /// <summary>artifacts/&lt;pipeline&gt;: the pipeline's outputs, registry and history.</summary>
    public string Home => Path.Combine(FromRoot(Artifacts), Pipeline);

    public string ModelsFolder => Path.Combine(Home, "models");

    

    /// <param name="arguments">Each as <c>--name=value</c> or <c>--name</c>, in the order given.</param>
    public static BuildRequest Parse(string root, string cli, IEnumerable<string> arguments)
    {
        var known = BuildCatalogue.Arguments.ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);
        var values = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var argument in arguments)
        {
            if (!argument.StartsWith("--", StringComparison.Ordinal) || argument.Length == 2)
            {
                throw new BuildArgumentException($"unexpected argument '{argument}'; arguments are --name=value (see --target=Help)");
            }

            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? argument[2..] : argument[2..equals];
            var value = equals < 0 ? null : argument[(equals + 1)..];
            if (!known.TryGetValue(name, out var declared))
            {
                var nearest = known.Keys.OrderBy(k => Distance(name.ToLowerInvariant(), k)).First();
                throw new BuildArgumentException($"unknown argument --{name}"
                    + (Distance(name.ToLowerInvariant(), nearest) <= 3 ? $"; did you mean --{nearest}?" : "; see --target=Help"));
            }

            // Cake hands a bare --name on as an empty value.
            if (declared.Kind == ArgumentKind.Flag)
            {
                if (value is not (null or "" or "true" or "false"))
                {
                    throw new BuildArgumentException($"--{declared.Name} is a flag and takes no value, not '{value}'");
                }

                value = value is null or "" ? "true" : value;
            }
            else if (value is null or "true" or "")
            {
                throw new BuildArgumentException($"--{declared.Name} needs a value: --{declared.Name}=VALUE");
            }

            var list = values.TryGetValue(declared.Name, out var existing) ? existing : values[declared.Name] = [];
            if (list.Count > 0 && declared.Kind != ArgumentKind.Repeated)
            {
                throw new BuildArgumentException($"--{declared.Name} is given twice ('{list[0]}' and '{value}'); give it once");
            }

            list.Add(value);
        }

        return new BuildRequest(root, cli, values);
    }

    public string? Value(string name) => values.TryGetValue(name, out var list) ? list[0] : null;

    public IReadOnlyList<string> Values(string name) => values.TryGetValue(name, out var list) ? list : [];

    public bool Has(string name) => values.TryGetValue(name, out var list) && list[0] != "false";

    /// <summary><c>--name</c> when the flag is set, for a command line; null otherwise.</summary>
    public string? Flag(string name) => Has(name) ? $"--{name}" : null;

    /// <summary><c>--name=value</c> when given, for a command line; null otherwise.</summary>
    public string? Option(string name) => Value(name) is { } value ? $"--{name}={value}" : null;

    /// <summary>A comma-separated value's items; a usage error when it is missing or empty.</summary>
    public IReadOnlyList<string> List(string name, string example)
    {
        var items = Value(name)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        return items.Length > 0 ? items : throw new BuildArgumentException($"--{name} is needed, e.g. {example}");
    }

    public string FromRoot(string path) => Path.GetFullPath(path, Root);

    /// <summary>The arguments every CLI verb is given: the repository, the pipeline, the recipe and where outputs go.</summary>
    public IEnumerable<string> CommonArguments()
    {
        yield return "--root";
        yield return Root;
        yield return "--pipeline";
        yield return Pipeline;
        if (Value("config") is { } config)
        {
            yield return "--config";
            yield return config;
        }

        yield return "--artifacts";
        yield return Artifacts;
        foreach (var setting in Values("set"))
        {
            yield return "--set";
            yield return setting;
        }
    }

    /// <summary>A CLI verb's command line (what follows <c>dotnet</c>); null parts are left out.</summary>
    public IReadOnlyList<string> Cli(params string?[] verbAndArguments) =>
        [CliAssembly, .. verbAndArguments.OfType<string>(), .. CommonArguments()];

    /// <summary>What one stage's task runs.</summary>
    public IReadOnlyList<string> RunStage(string stage, bool publishing) =>
        Cli("run", stage, Flag("rerun"), publishing ? Flag("force") : null, publishing ? Flag("require-promotion") : null);

    /// <summary>What a build waiting for this one's lock is told it is.</summary>
    public string Purpose(string target) => string.Create(CultureInfo.InvariantCulture, $"./build.sh --pipeline={Pipeline} --target={target}");

    internal static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }
}
