using System.Runtime.InteropServices;

namespace DigitForge.Inference.Tests;

/// <summary>The switch ONNX Runtime reads when its environment is created: set in the native environment
/// (where the runtime looks), and a value the user set is kept.</summary>
[Trait("Category", "Unit")]
public sealed partial class OnnxRuntimeTelemetryTests
{
    private const string Variable = "ORT_DISABLE_TELEMETRY";

    [SkippableFact]
    public void DisableUnlessSet_SetsTheNativeVariable_AndKeepsTheUsersOwn()
    {
        Skip.If(OperatingSystem.IsWindows(), "on Windows ONNX Runtime's telemetry is switched through its API, not this variable");

        var before = Marshal.PtrToStringUTF8(GetEnvironment(Variable));
        try
        {
            _ = UnsetEnvironment(Variable);
            OnnxRuntimeTelemetry.DisableUnlessSet();
            Marshal.PtrToStringUTF8(GetEnvironment(Variable)).Should().Be("1");

            _ = SetEnvironment(Variable, "0", 1);
            OnnxRuntimeTelemetry.DisableUnlessSet();
            Marshal.PtrToStringUTF8(GetEnvironment(Variable)).Should().Be("0", "the user's own setting wins");
        }
        finally
        {
            _ = before is null ? UnsetEnvironment(Variable) : SetEnvironment(Variable, before, 1);
        }
    }

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetEnvironment(string name);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "unsetenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UnsetEnvironment(string name);
}
