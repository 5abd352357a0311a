namespace DigitForge.Cli.Build;

/// <summary>
/// <c>./build.sh</c>'s arguments as Cake will read them, for a planner that build.sh starts beside Cake
/// (so the two start at once): Cake's own options set aside, the script's arguments as
/// <c>--name=value</c> (a bare <c>--name</c> as <c>--name=</c>, as Cake hands it on). The script checks
/// these against what Cake read, and plans again itself when they differ, so Cake stays the one parser.
/// </summary>
public sealed record CakeCommandLine(IReadOnlyList<string> Arguments, bool Listing, bool RunsScript)
{
    // Cake's options that take a value, and those that are flags (`dotnet cake --help`).
    private static readonly HashSet<string> ValueOptions = new(StringComparer.OrdinalIgnoreCase) { "verbosity", "v" };

    private static readonly HashSet<string> ListingOptions = new(StringComparer.OrdinalIgnoreCase)
    {
        "dryrun", "noop", "whatif", "description", "showdescription", "tree", "showtree",
    };

    private static readonly HashSet<string> FlagOptions = new(StringComparer.OrdinalIgnoreCase) { "debug", "d", "exclusive", "e", "bootstrap", "skip-bootstrap" };

    // Cake answers these without running the script.
    private static readonly HashSet<string> NoScriptOptions = new(StringComparer.OrdinalIgnoreCase) { "help", "h", "version", "ver", "info" };

    public static CakeCommandLine Parse(IReadOnlyList<string> arguments)
    {
        var script = new List<string>();
        var listing = false;
        var runsScript = true;
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            var dashes = argument.StartsWith("--", StringComparison.Ordinal) ? 2 : argument.StartsWith('-') ? 1 : 0;
            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            var name = argument[dashes..(equals < 0 ? argument.Length : equals)];
            string? value = equals < 0 ? null : argument[(equals + 1)..];
            var followedByValue = value is null && i + 1 < arguments.Count && !arguments[i + 1].StartsWith('-');
            if (ValueOptions.Contains(name))
            {
                i += followedByValue ? 1 : 0;
            }
            else if (ListingOptions.Contains(name))
            {
                listing = true;
            }
            else if (NoScriptOptions.Contains(name))
            {
                runsScript = false;
            }
            else if (!FlagOptions.Contains(name))
            {
                // A script argument: --name=value, --name value, or a bare --name.
                if (followedByValue)
                {
                    value = arguments[++i];
                }

                script.Add(dashes == 0 ? argument : $"--{name}={value}");
            }
        }

        return new CakeCommandLine(script, listing, runsScript);
    }
}
