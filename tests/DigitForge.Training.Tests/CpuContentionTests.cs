using DigitForge.Training.Loop;

namespace DigitForge.Training.Tests;

[Trait("Category", "Unit")]
public sealed class CpuContentionTests
{
    [Theory]
    [InlineData(0.0, 2, 2)]
    [InlineData(0.4, 2, 2)]
    [InlineData(1.0, 4, 2)]
    public void Free_enough_cores_give_no_warning(double others, int cores, int threads) =>
        CpuContention.Warning(others, cores, threads).Should().BeNull();

    [Fact]
    public void Shared_cores_are_named_with_the_figures()
    {
        var warning = CpuContention.Warning(1.6, 2, 2);

        warning.Should().StartWith("other processes are using 1.6 of this machine's 2 cores while training wants 2 threads")
            .And.Contain("train.threads");
    }

    [Fact]
    public void The_proc_stat_cpu_line_gives_busy_and_total_ticks()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice
        var times = CpuTimes.Parse("cpu  100 5 50 800 20 3 2 0 0 0");

        times.Should().Be(new CpuTimes(Busy: 160, Total: 980));
    }

    [Theory]
    [InlineData("cpu0 100 5 50 800 20 3 2 0 0 0")]
    [InlineData("intr 1 2 3 4 5")]
    [InlineData("cpu 1 2 x 4 5")]
    [InlineData("cpu 1 2")]
    public void Other_lines_are_not_read_as_cpu_times(string line) =>
        CpuTimes.Parse(line).Should().BeNull();

    [Fact]
    public void Busy_cores_are_the_busy_share_of_the_ticks_times_the_cores()
    {
        var before = new CpuTimes(Busy: 1000, Total: 4000);
        var after = new CpuTimes(Busy: 1150, Total: 4200); // 150 of 200 ticks busy

        after.BusyCoresSince(before, cores: 2).Should().BeApproximately(1.5, 1e-12);
        after.BusyCoresSince(after, cores: 2).Should().Be(0);
    }

    [SkippableFact]
    public void A_busy_thread_in_another_process_is_seen()
    {
        Skip.IfNot(File.Exists("/proc/stat"), "CPU contention is measured from /proc/stat, which this system lacks");

        using var spinner = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", "while :; do :; done"]))!;
        try
        {
            Thread.Sleep(200);
            CpuContention.OtherProcessesCores(TimeSpan.FromMilliseconds(500)).Should().BeGreaterThan(0.5);
        }
        finally
        {
            spinner.Kill();
        }
    }
}
