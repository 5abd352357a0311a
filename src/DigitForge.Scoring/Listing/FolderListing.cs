using System.IO.Enumeration;

namespace DigitForge.Scoring.Listing;

/// <summary>
/// The files under a folder, streamed in a deterministic order: depth first, each folder's entries
/// sorted by ordinal name (files and sub-folders together). Only one folder's names are held at a time,
/// so memory follows the largest single folder, not the tree. Hidden folders (names starting with '.')
/// and the excluded paths (the run's own output files) are skipped. Every other file is listed,
/// hidden files and non-images included: <see cref="ImageFileNames"/> decides which are scored, and
/// the others are counted as skipped.
/// </summary>
public sealed class FolderListing(string root, bool recursive, IReadOnlyCollection<string> excluded)
{
    private readonly string root = Path.GetFullPath(root);
    private readonly HashSet<string> excluded = [.. excluded.Select(Path.GetFullPath)];

    // One folder at a time (the walks recurse themselves), hidden and system files included.
    private static readonly EnumerationOptions OneFolder = new() { IgnoreInaccessible = true, AttributesToSkip = 0, RecurseSubdirectories = false };

    /// <summary>Decides whether a file counts, from its folder's relative prefix ("" or "sub/") and its name.</summary>
    public delegate bool FileFilter(string prefix, ReadOnlySpan<char> name);

    public IEnumerable<ListedFile> Files() => Walk(root, string.Empty);

    /// <summary>
    /// How many of the files <see cref="Files"/> lists <paramref name="include"/> accepts: the same walk without
    /// sorting names or building paths, so counting costs a fraction of listing.
    /// </summary>
    public long Count(FileFilter include, CancellationToken cancellation) => Count(root, string.Empty, include, cancellation);

    private long Count(string directory, string prefix, FileFilter include, CancellationToken cancellation)
    {
        var holdsExcluded = HoldsExcluded(directory);

        // Files are counted by the filter and come out as null; sub-folders come out by name.
        long count = 0;
        var entries = new FileSystemEnumerable<string?>(directory, (ref FileSystemEntry entry) => entry.IsDirectory ? entry.FileName.ToString() : null, OneFolder)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) =>
            {
                // Checked per entry: a run that fails to start stops a count of a large folder at once.
                cancellation.ThrowIfCancellationRequested();
                return entry.IsDirectory
                    ? recursive && !IsHiddenFolder(ref entry)
                    : (!holdsExcluded || !excluded.Contains(Path.Join(directory, entry.FileName))) && include(prefix, entry.FileName);
            },
        };
        foreach (var folder in entries)
        {
            count += folder is null ? 1 : Count(Path.Combine(directory, folder), $"{prefix}{folder}/", include, cancellation);
        }

        return count;
    }

    // Only a folder that holds an excluded file needs each of its files looked up.
    private bool HoldsExcluded(string directory) =>
        excluded.Any(path => Path.GetDirectoryName(path) == Path.TrimEndingDirectorySeparator(directory));

    private IEnumerable<ListedFile> Walk(string directory, string prefix)
    {
        var holdsExcluded = HoldsExcluded(directory);
        foreach (var (name, isDirectory) in SortedEntries(directory))
        {
            var fullPath = Path.Combine(directory, name);
            if (!isDirectory)
            {
                if (!holdsExcluded || !excluded.Contains(fullPath))
                {
                    yield return new ListedFile(fullPath, prefix + name);
                }
            }
            else if (recursive)
            {
                foreach (var file in Walk(fullPath, $"{prefix}{name}/"))
                {
                    yield return file;
                }
            }
        }
    }

    private static bool IsHiddenFolder(ref FileSystemEntry entry) => entry.IsDirectory && entry.FileName.StartsWith('.');

    private static List<(string Name, bool IsDirectory)> SortedEntries(string directory)
    {
        var entries = new FileSystemEnumerable<(string, bool)>(directory, (ref FileSystemEntry entry) => (entry.FileName.ToString(), entry.IsDirectory), OneFolder)
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !IsHiddenFolder(ref entry),
        };
        var list = entries.ToList();
        list.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return list;
    }
}
