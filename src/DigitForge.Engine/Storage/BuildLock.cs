using System.Globalization;
using Newtonsoft.Json;

namespace DigitForge.Engine.Storage;

/// <summary>Who holds a lock: what a waiting build tells its user.</summary>
public sealed record LockOwner(int Pid, string Host, string Purpose, DateTimeOffset Since, string Token)
{
    public override string ToString() =>
        $"pid {Pid} on {Host} ({Purpose}) since {Since.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}";
}

/// <summary>A lock is held by another process and the caller asked not to wait.</summary>
public sealed class LockBusyException(string message) : IOException(message);

/// <summary>
/// An exclusive OS file lock on a folder, so two builds never run stages into the same artifacts at
/// once. The OS releases it when the process dies, so a crash never leaves it held. Its holder is
/// written beside it so a waiting build can say who it waits for. A build holds it from its first
/// stage to its last through one process (<c>digitforge lock</c>) and hands its token to the stage
/// processes it starts in <see cref="TokenVariable"/>: they run under the build's lock, not their own.
/// </summary>
public sealed class BuildLock : IDisposable
{
    public const string TokenVariable = "DIGITFORGE_BUILD_LOCK";
    private const string FileName = ".build.lock";
    private const string OwnerFileName = ".build.lock.owner";

    private readonly FileStream? stream;
    private readonly string? ownerFile;

    private BuildLock(FileStream? stream, string? ownerFile, LockOwner? owner)
    {
        this.stream = stream;
        this.ownerFile = ownerFile;
        Owner = owner;
    }

    /// <summary>This process's hold; null when it runs under its build's lock.</summary>
    public LockOwner? Owner { get; }

    /// <param name="timeout">How long to wait for another holder; zero: do not wait, throw <see cref="LockBusyException"/>.</param>
    /// <param name="purpose">What the holder is doing, shown to whoever waits.</param>
    /// <param name="pid">The process the lock is held for, shown to whoever waits (default: this one).</param>
    public static BuildLock Acquire(string directory, TimeSpan timeout, Action<string> onWait, string? purpose = null, int? pid = null)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var ownerPath = Path.Combine(directory, OwnerFileName);
        var deadline = DateTime.UtcNow + timeout;
        var announced = false;
        while (true)
        {
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                var owner = new LockOwner(pid ?? Environment.ProcessId, Environment.MachineName, purpose ?? Purpose(), DateTimeOffset.Now, Guid.NewGuid().ToString("N"));
                AtomicFile.WriteAllText(ownerPath, JsonConvert.SerializeObject(owner));
                return new BuildLock(stream, ownerPath, owner);
            }
            catch (IOException) when (HeldByOurBuild(ownerPath))
            {
                return new BuildLock(null, null, null);
            }
            catch (IOException) when (timeout > TimeSpan.Zero && DateTime.UtcNow < deadline)
            {
                if (!announced)
                {
                    onWait($"{path} is held by {Describe(ownerPath)}; waiting up to {timeout.TotalMinutes:0} min");
                    announced = true;
                }

                Thread.Sleep(250);
            }
            catch (IOException ex) when (timeout == TimeSpan.Zero)
            {
                throw new LockBusyException($"{path} is held by {Describe(ownerPath)} ({ex.Message.TrimEnd('.')}); not waiting");
            }
            catch (IOException ex)
            {
                throw new IOException($"{path}: {Describe(ownerPath)} still holds the lock after {timeout.TotalMinutes:0} min", ex);
            }
        }
    }

    public void Dispose()
    {
        if (stream is null)
        {
            return;
        }

        // Removed before the lock is let go, so a stale holder is never named.
        File.Delete(ownerFile!);
        stream.Dispose();
    }

    private static bool HeldByOurBuild(string ownerPath) =>
        Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } token && ReadOwner(ownerPath)?.Token == token;

    private static string Describe(string ownerPath) => ReadOwner(ownerPath)?.ToString() ?? "another process";

    private static LockOwner? ReadOwner(string ownerPath)
    {
        try
        {
            return JsonConvert.DeserializeObject<LockOwner>(File.ReadAllText(ownerPath));
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    private static string Purpose() => string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Take(3));
}
