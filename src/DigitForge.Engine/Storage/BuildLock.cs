namespace DigitForge.Engine.Storage;

/// <summary>
/// An exclusive OS file lock on a folder, so two builds never run stages into the same
/// artifacts at once. The OS releases it when the process dies, so a crash never leaves it held.
/// </summary>
public sealed class BuildLock : IDisposable
{
    private readonly FileStream stream;

    private BuildLock(FileStream stream) => this.stream = stream;

    public static BuildLock Acquire(string directory, TimeSpan timeout, Action<string> onWait)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, ".build.lock");
        var deadline = DateTime.UtcNow + timeout;
        var announced = false;
        while (true)
        {
            try
            {
                return new BuildLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                if (!announced)
                {
                    onWait($"another build holds {path}; waiting up to {timeout.TotalMinutes:0} min");
                    announced = true;
                }

                Thread.Sleep(250);
            }
            catch (IOException ex)
            {
                throw new IOException($"{path}: another build still holds the lock after {timeout.TotalMinutes:0} min", ex);
            }
        }
    }

    public void Dispose() => stream.Dispose();
}
