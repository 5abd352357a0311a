using System.Text;

namespace DigitForge.Cli.Pipelines;

/// <summary>
/// New files and edits of existing ones, written into a repository all at once or not at all: everything is
/// written into a staging folder inside the repository first (so the moves are renames on one file system), then
/// each new folder is moved in and each edited file replaced; when a move fails, what was moved is taken back.
/// </summary>
public sealed class RepositoryChange(string root)
{
    private readonly Dictionary<string, string> created = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> edited = new(StringComparer.Ordinal);
    private readonly SortedSet<string> newFolders = new(StringComparer.Ordinal);

    public string Root { get; } = root;

    /// <summary>The folders this change creates, relative to the root: the outermost new folder of each file it creates.</summary>
    public IReadOnlyCollection<string> NewFolders => newFolders;

    public IReadOnlyCollection<string> EditedFiles => edited.Keys;

    /// <summary>A file to create, relative to the root with '/' between folders, in a folder that does not exist yet.</summary>
    public void Create(string relative, string text)
    {
        newFolders.Add(NewFolderOf(relative));
        created.Add(relative, text);
    }

    /// <summary>An existing file's new text, relative to the root.</summary>
    public void Edit(string relative, string text)
    {
        if (!File.Exists(Path.Combine(Root, relative)))
        {
            throw new InvalidDataException($"{relative} does not exist under {Root}");
        }

        edited.Add(relative, text);
    }

    public void Commit()
    {
        var staging = Path.Combine(Root, "build", "bin", $"staging-{Guid.NewGuid():N}");
        var moved = new List<string>();
        var replaced = new List<string>();
        try
        {
            foreach (var (relative, text) in created.Concat(edited))
            {
                var staged = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(staged)!);
                File.WriteAllText(staged, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: StartsWithByteOrderMark(Path.Combine(Root, relative))));
            }

            foreach (var file in edited.Keys)
            {
                File.Copy(Path.Combine(Root, file), Path.Combine(staging, file + ".before"));
            }

            foreach (var folder in newFolders)
            {
                Directory.Move(Path.Combine(staging, folder), Path.Combine(Root, folder));
                moved.Add(folder);
            }

            foreach (var file in edited.Keys)
            {
                File.Move(Path.Combine(staging, file), Path.Combine(Root, file), overwrite: true);
                replaced.Add(file);
            }
        }
        catch
        {
            foreach (var file in replaced)
            {
                File.Move(Path.Combine(staging, file + ".before"), Path.Combine(Root, file), overwrite: true);
            }

            foreach (var folder in moved)
            {
                Directory.Delete(Path.Combine(Root, folder), recursive: true);
            }

            throw;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    // A solution file starts with one; an edit keeps it, or the lack of it.
    private static bool StartsWithByteOrderMark(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        Span<byte> start = stackalloc byte[3];
        using var file = File.OpenRead(path);
        return file.Read(start) == 3 && start.SequenceEqual(Encoding.UTF8.Preamble);
    }

    private string NewFolderOf(string relative)
    {
        var parts = relative.Split('/');
        for (var depth = 1; depth < parts.Length; depth++)
        {
            var folder = string.Join('/', parts[..depth]);
            if (!Directory.Exists(Path.Combine(Root, folder)))
            {
                return folder;
            }
        }

        throw new InvalidDataException($"{relative} would be written into {Path.GetDirectoryName(relative)}, which exists; a new file goes into a new folder");
    }
}
