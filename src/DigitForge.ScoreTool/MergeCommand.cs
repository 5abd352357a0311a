using System.CommandLine;
using System.Globalization;
using DigitForge.Scoring;
using DigitForge.Scoring.Merging;

namespace DigitForge.ScoreTool;

/// <summary><c>digitforge-score merge PARTS... --out FILE</c>: the shards of one folder joined into the
/// file a single run over it writes.</summary>
public static class MergeCommand
{
    private static readonly Argument<string[]> Parts = new("parts")
    {
        Description = "Shard outputs (files) or folders holding them (every file with a .run.json beside it).",
        Arity = ArgumentArity.OneOrMore,
    };

    private static readonly Option<string> Out = new("--out", "-o")
    {
        Description = "The merged output, of the shards' format (.csv or .jsonl); its summary goes to <out>.run.json.",
        Required = true,
    };

    private static readonly Option<bool> Overwrite = new("--overwrite") { Description = "Replace an existing merged output." };

    public static Command Create()
    {
        var command = new Command("merge", "Merge the outputs of --shard 1/n ... n/n into the file one run over the whole folder writes (byte for byte).")
        {
            Parts, Out, Overwrite,
        };
        command.SetAction(result => Run(result.GetValue(Parts)!, result.GetValue(Out)!, result.GetValue(Overwrite), Console.Out, Console.Error));
        return command;
    }

    public static int Run(IReadOnlyList<string> parts, string output, bool overwrite, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var merged = ShardMerge.Merge(ShardMerge.Outputs(parts), output, overwrite);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Merged {merged.Shards} shards: {merged.Rows:N0} rows, {merged.Bytes:N0} bytes in {Path.GetFullPath(output)}"));
            return ExitCodes.Success;
        }
        catch (ShardMergeException ex)
        {
            stderr.WriteLine($"error: {ex.Message}");
            return ExitCodes.ShardsNotMergeable;
        }
        catch (ScoringSetupException ex)
        {
            stderr.WriteLine($"error: {ex.Message}");
            return ExitCodes.For(ex.Problem);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {ex.Message}");
            return ExitCodes.Failure;
        }
    }
}
