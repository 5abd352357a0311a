namespace DigitForge.Engine.Storage;

/// <summary>Folder housekeeping shared by the stores.</summary>
public static class Folders
{
    /// <summary>
    /// Deletes a leftover folder (staging, temporaries, a damaged entry) if it can; one that cannot be
    /// removed now (another process has a file open) is left for the next clean-up.
    /// </summary>
    public static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next clean-up.
        }
    }

    /// <summary>
    /// Puts a complete folder where another was, by renames: a reader sees the old folder or the new
    /// one, never a mix, and a process running files from the old one keeps them (they are deleted
    /// once it lets go).
    /// </summary>
    public static void Replace(string complete, string destination)
    {
        var old = destination + ".old-" + Guid.NewGuid().ToString("N")[..8];
        if (Directory.Exists(destination))
        {
            Directory.Move(destination, old);
        }

        Directory.Move(complete, destination);
        DeleteQuietly(old);
    }
}
