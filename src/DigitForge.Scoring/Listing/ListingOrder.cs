namespace DigitForge.Scoring.Listing;

/// <summary>
/// The order <see cref="FolderListing"/> yields relative paths in (each folder's entries by ordinal
/// name, a sub-folder's files where its name sorts), as a comparer: segment by segment, ordinal.
/// </summary>
public sealed class ListingOrder : IComparer<string>
{
    public static readonly ListingOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var a = x.AsSpan();
        var b = y.AsSpan();
        while (true)
        {
            var slashA = a.IndexOf('/');
            var slashB = b.IndexOf('/');
            var segmentA = slashA < 0 ? a : a[..slashA];
            var segmentB = slashB < 0 ? b : b[..slashB];
            var order = segmentA.CompareTo(segmentB, StringComparison.Ordinal);
            if (order != 0 || slashA < 0 || slashB < 0)
            {
                // Equal names: a file and a folder of one name cannot both exist; the shorter path first.
                return order != 0 ? order : (slashA < 0 ? 0 : 1) - (slashB < 0 ? 0 : 1);
            }

            a = a[(slashA + 1)..];
            b = b[(slashB + 1)..];
        }
    }
}
