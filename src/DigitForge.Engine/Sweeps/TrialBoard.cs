using System.Globalization;
using System.Text;
using DigitForge.Engine.Config;
using DigitForge.Engine.Storage;
using Newtonsoft.Json;

namespace DigitForge.Engine.Sweeps;

/// <summary>How a sweep judges its members while they train.</summary>
public enum PruneRule
{
    /// <summary>Members only report their curves.</summary>
    None,

    /// <summary>A member worse than the median of the members that reached the same epoch stops.</summary>
    Median,
}

/// <summary>One validation figure a member reported after an epoch.</summary>
public sealed record EpochFigure(int Epoch, double Value);

/// <summary>
/// The pruning board of one sweep: a folder with one append-only file per member
/// (<c>&lt;member&gt;.jsonl</c>, a line per epoch), so concurrent members never write the same file
/// and a reader skips a line torn by a killed writer. A training stage of a sweep member reports each
/// epoch's validation figure here; with <see cref="PruneRule.Median"/> it is stopped when its best
/// figure so far is worse than the median of at least <see cref="MinimumPeers"/> other members' figures
/// at the same epoch (the best so far, not the epoch's own: one noisy epoch on a small validation split
/// must not stop a member that was ahead).
/// Reporting reads files and never touches the training's numbers, so a member that is not stopped
/// trains the same weights as a build outside the sweep.
/// </summary>
public sealed class TrialBoard(string directory, string member, PruneRule rule)
{
    /// <summary>The board folder, exported by the sweep to each member's processes.</summary>
    public const string DirectoryVariable = "DIGITFORGE_SWEEP_BOARD";

    /// <summary>The member's name (<c>m03</c>): its board file, and its runs in the history.</summary>
    public const string MemberVariable = "DIGITFORGE_SWEEP_MEMBER";

    /// <summary>The pruning rule: <c>median</c>, or unset for none.</summary>
    public const string PruneVariable = "DIGITFORGE_SWEEP_PRUNE";

    /// <summary>Fewer peers than this at an epoch say too little about it: nobody is stopped there yet.</summary>
    public const int MinimumPeers = 3;

    private const string Extension = ".jsonl";

    public string Directory { get; } = Path.GetFullPath(directory);

    public string Member { get; } = member;

    public PruneRule Rule { get; } = rule;

    public string FileOf(string name) => Path.Combine(Directory, name + Extension);

    /// <summary>The board a sweep exported to this process, or null outside a sweep.</summary>
    public static TrialBoard? FromEnvironment()
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is not { Length: > 0 } directory
            || Environment.GetEnvironmentVariable(MemberVariable) is not { Length: > 0 } member)
        {
            return null;
        }

        return new TrialBoard(directory, member, ParseRule(Environment.GetEnvironmentVariable(PruneVariable)));
    }

    /// <summary><c>median</c> or nothing; anything else is an error naming it.</summary>
    public static PruneRule ParseRule(string? text) => text switch
    {
        null or "" or "none" => PruneRule.None,
        "median" => PruneRule.Median,
        _ => throw new ConfigException($"--prune={text}: unknown rule; the rule is median"),
    };

    /// <summary>Forgets this member's figures, before it (re)starts training.</summary>
    public void Clear()
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.Delete(FileOf(Member));
    }

    /// <summary>
    /// Records the figure of <paramref name="epoch"/>, then, pruning by the median, throws
    /// <see cref="TrialPrunedException"/> when the member's best figure so far is worse than the
    /// peers' median there. The last epoch is never pruned: stopping would save nothing.
    /// </summary>
    public void Report(int epoch, int lastEpoch, double value, bool higherIsBetter)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var line = Encoding.UTF8.GetBytes(JsonConvert.SerializeObject(new EpochFigure(epoch, value), Formatting.None, JsonFile.Settings) + "\n");
        using (var stream = new FileStream(FileOf(Member), FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.Write(line);
        }

        if (Rule != PruneRule.Median || epoch >= lastEpoch)
        {
            return;
        }

        var curves = Curves(Directory);
        var peers = curves
            .Where(c => c.Key != Member)
            .Select(c => c.Value.LastOrDefault(f => f.Epoch == epoch))
            .OfType<EpochFigure>()
            .Select(f => f.Value)
            .ToList();
        if (peers.Count < MinimumPeers)
        {
            return;
        }

        var own = curves.GetValueOrDefault(Member)?.Select(f => f.Value).Append(value) ?? [value];
        var best = higherIsBetter ? own.Max() : own.Min();
        var median = Median(peers);
        if (higherIsBetter ? best < median : best > median)
        {
            throw new TrialPrunedException(Member, epoch, string.Create(
                CultureInfo.InvariantCulture,
                $"pruned at epoch {epoch}: best validation so far {best:0.0000} is worse than the median {median:0.0000} of the {peers.Count} other members there"));
        }
    }

    /// <summary>Every member's figures in the folder, by member; torn or unreadable lines are skipped.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<EpochFigure>> Curves(string directory)
    {
        var curves = new SortedDictionary<string, IReadOnlyList<EpochFigure>>(StringComparer.Ordinal);
        if (!System.IO.Directory.Exists(directory))
        {
            return curves;
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*" + Extension))
        {
            curves[Path.GetFileNameWithoutExtension(file)] = Read(file);
        }

        return curves;
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static List<EpochFigure> Read(string file)
    {
        string text;
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            text = reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return [];
        }

        var figures = new List<EpochFigure>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                if (JsonConvert.DeserializeObject<EpochFigure>(line, JsonFile.Settings) is { Epoch: > 0 } figure)
                {
                    figures.Add(figure);
                }
            }
            catch (JsonException)
            {
                // A line torn by a killed writer: the member is re-run and rewrites its file.
            }
        }

        return figures;
    }
}
