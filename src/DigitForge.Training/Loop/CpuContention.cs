using System.Diagnostics;
using System.Globalization;

namespace DigitForge.Training.Loop;

/// <summary>
/// Notices, before training, that other processes are using the cores libtorch's threads need.
/// Those threads spin while they wait for each other, so sharing the cores slows training far more
/// than the share lost (measured here: 60-190 instead of about 1,900 images/s); a warning explains
/// a slow run that would otherwise look like a bug.
/// </summary>
public static class CpuContention
{
    private const string ProcStat = "/proc/stat";

    /// <summary>Cores' worth of CPU that other processes used over <paramref name="window"/>; null where the system does not say (not Linux).</summary>
    public static double? OtherProcessesCores(TimeSpan window)
    {
        if (!File.Exists(ProcStat))
        {
            return null;
        }

        using var self = Process.GetCurrentProcess();
        var before = CpuTimes.Parse(File.ReadLines(ProcStat).First());
        var ownBefore = self.TotalProcessorTime;
        Thread.Sleep(window);
        var after = CpuTimes.Parse(File.ReadLines(ProcStat).First());
        self.Refresh();
        var ownCores = (self.TotalProcessorTime - ownBefore).TotalSeconds / window.TotalSeconds;
        return before is null || after is null ? null : Math.Max(0, after.BusyCoresSince(before, Environment.ProcessorCount) - ownCores);
    }

    /// <summary>The warning to show when <paramref name="threads"/> training threads and the others' load do not fit in <paramref name="cores"/>; null when they do.</summary>
    public static string? Warning(double otherCores, int cores, int threads)
    {
        // Half a core of slack: a shell, a logger or the build tool's own threads do not hurt.
        if (otherCores + threads <= cores + 0.5)
        {
            return null;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"other processes are using {otherCores:F1} of this machine's {cores} cores while training wants {threads} threads; libtorch's threads spin while they wait, " +
            $"so training may run several times slower than on free cores. Give it the cores, or lower train.threads (which changes the weights; see docs/reproducibility.md)");
    }
}

/// <summary>The aggregate "cpu" line of /proc/stat, in clock ticks.</summary>
public sealed record CpuTimes(long Busy, long Total)
{
    /// <summary>Parses "cpu user nice system idle iowait irq softirq steal ..."; null when the line is not that.</summary>
    public static CpuTimes? Parse(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[0] != "cpu")
        {
            return null;
        }

        var ticks = new long[Math.Min(fields.Length - 1, 8)];
        for (var i = 0; i < ticks.Length; i++)
        {
            if (!long.TryParse(fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out ticks[i]))
            {
                return null;
            }
        }

        var idle = ticks[3] + (ticks.Length > 4 ? ticks[4] : 0); // idle + iowait
        var total = ticks.Sum();
        return new CpuTimes(total - idle, total);
    }

    /// <summary>How many cores were busy on average since <paramref name="earlier"/>.</summary>
    public double BusyCoresSince(CpuTimes earlier, int cores)
    {
        var total = Total - earlier.Total;
        return total <= 0 ? 0 : (double)(Busy - earlier.Busy) / total * cores;
    }
}
