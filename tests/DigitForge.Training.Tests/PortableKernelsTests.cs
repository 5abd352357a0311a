using System.Diagnostics;

namespace DigitForge.Training.Tests;

/// <summary>
/// Portable kernels train the same weights on an Intel AVX2 CPU as on this one: qemu user mode answers CPUID as a
/// Haswell does, so ATen, oneDNN and MKL choose their paths as on that CPU (MKL's <c>MKL_CBWR=AVX2</c> mode, for
/// one, takes other paths there than on an AMD CPU and gives other sums). Two SGD steps of the default network,
/// natively and emulated, must give the same weights' SHA-256.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class PortableKernelsTests
{
    [SkippableFact]
    public void Training_steps_give_the_same_weights_on_an_emulated_intel_avx2_cpu()
    {
        var qemu = Prerequisites.Qemu.Require();
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var step = Path.Combine(AppContext.BaseDirectory, "DigitForge.TrainingStep.dll");

        var here = Run(dotnet, step);
        var intel = Run(qemu, "-cpu", "Haswell", dotnet, step);

        here.Should().MatchRegex("^[0-9a-f]{64}$");
        intel.Should().Be(here, "the portable kernels' arithmetic must not depend on the CPU");
    }

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, $"{program} {string.Join(' ', arguments)} failed: {error.Result}");
        return output.Trim();
    }
}
