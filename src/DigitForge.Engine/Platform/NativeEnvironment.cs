using System.Runtime.InteropServices;

namespace DigitForge.Engine.Platform;

/// <summary>
/// The process environment as native libraries see it. On Unix, .NET keeps its own copy of the
/// environment: <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes that copy
/// (and what child processes get) but not what a native library reads with getenv, so settings that
/// ONNX Runtime, libtorch, oneDNN or MKL read must go through here as well.
/// </summary>
public static partial class NativeEnvironment
{
    /// <summary>The value native code would read, or null when unset.</summary>
    public static string? Get(string name)
    {
        if (OperatingSystem.IsWindows())
        {
            return Environment.GetEnvironmentVariable(name);
        }

        var value = GetUnix(name);
        return value == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(value);
    }

    /// <summary>
    /// Sets <paramref name="name"/> for native code and for .NET (so child processes inherit it too);
    /// with <paramref name="overwrite"/> false, a value already set is kept. Returns the value now in force.
    /// </summary>
    public static string Set(string name, string value, bool overwrite = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!overwrite && Get(name) is { } existing)
        {
            return existing;
        }

        if (!OperatingSystem.IsWindows() && SetUnix(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed with error {Marshal.GetLastPInvokeError()}.");
        }

        Environment.SetEnvironmentVariable(name, value);
        return value;
    }

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetUnix(string name);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetUnix(string name, string value, int overwrite);
}
