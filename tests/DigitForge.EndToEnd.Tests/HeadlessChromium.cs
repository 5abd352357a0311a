using System.Diagnostics;

namespace DigitForge.EndToEnd.Tests;

/// <summary>Chromium run headless with a throw-away profile and no background network, as the page tests use it.</summary>
public sealed class HeadlessChromium(string executable) : IDisposable
{
    private readonly TempDirectory profile = new();

    /// <summary>Runs it with <paramref name="arguments"/> (--dump-dom, --screenshot=FILE ...) and returns its standard output.</summary>
    public string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={profile.Path}" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var chromium = Process.Start(start)!;
        var errors = chromium.StandardError.ReadToEndAsync();
        var output = chromium.StandardOutput.ReadToEnd();
        chromium.WaitForExit(TimeSpan.FromMinutes(2)).Should().BeTrue();
        chromium.ExitCode.Should().Be(0, errors.Result);
        return output;
    }

    public void Dispose() => profile.Dispose();
}
