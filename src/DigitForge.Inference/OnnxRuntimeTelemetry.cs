using System.Runtime.CompilerServices;
using DigitForge.Engine.Platform;
using Microsoft.ML.OnnxRuntime;

namespace DigitForge.Inference;

/// <summary>
/// ONNX Runtime (1.29 and later) collects usage telemetry on Linux and macOS too: a device id and an
/// event cache under the user's cache folder (<c>~/.cache/Microsoft/DeveloperTools/.onnxruntime</c>),
/// uploaded when it can reach the network. DigitForge's tools score operators' data offline, so they
/// switch it off unless the user has set <c>ORT_DISABLE_TELEMETRY</c> themselves.
/// </summary>
public static class OnnxRuntimeTelemetry
{
    private const string Variable = "ORT_DISABLE_TELEMETRY";

    /// <summary>
    /// Call first thing in a process that uses ONNX Runtime: the runtime reads the variable once, when its
    /// environment is created, from the native environment (which .NET's
    /// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not change on Unix).
    /// </summary>
    public static void DisableUnlessSet()
    {
        if (OperatingSystem.IsWindows())
        {
            DisableWindowsEvents();
            return;
        }

        // overwrite = 0: a value the user set (ORT_DISABLE_TELEMETRY=0 to take part) is kept.
        NativeEnvironment.Set(Variable, "1", overwrite: false);
    }

    // Windows builds report through the system's event tracing instead, which the API turns off. Its own
    // method, so elsewhere ONNX Runtime's assembly is not loaded for this.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DisableWindowsEvents() => OrtEnv.Instance().DisableTelemetryEvents();
}
