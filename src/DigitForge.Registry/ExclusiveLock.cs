using DigitForge.Engine.Storage;

namespace DigitForge.Registry;

/// <summary>
/// The engine's OS file lock, in a folder of its own: <see cref="BuildLock"/> always names its file
/// <c>.build.lock</c>, so sharing a folder would make registry writes wait for a whole build.
/// </summary>
internal static class ExclusiveLock
{
    public static BuildLock Acquire(string folder, TimeSpan timeout, string guarded)
    {
        try
        {
            return BuildLock.Acquire(folder, timeout, _ => { });
        }
        catch (IOException ex)
        {
            throw new RegistryException($"{guarded}: another process still holds the lock in {folder} after {timeout.TotalSeconds:0} s", ex);
        }
    }
}
