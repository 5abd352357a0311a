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
}
