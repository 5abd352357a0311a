using System.ComponentModel.DataAnnotations;
using DigitForge.Data.Idx;
using DigitForge.Data.Sources;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Stages;

namespace DigitForge.Kit.Ingest;

/// <summary>One input file pinned by its SHA-256: a path relative to the repository, or a URL fetched once into the download cache.</summary>
public sealed class PinnedFile : IValidatableObject
{
    /// <summary>The file, relative to the repository root (or absolute); exactly one of path and url.</summary>
    public string? Path { get; set; }

    /// <summary>Where to download the file from; exactly one of path and url.</summary>
    public string? Url { get; set; }

    /// <summary>The file's SHA-256 as 64 lower-case hex digits: a different file is refused, naming both hashes.</summary>
    [Required]
    [RegularExpression("^[0-9a-f]{64}$", ErrorMessage = "expected 64 lower-case hex digits")]
    public string Sha256 { get; set; } = string.Empty;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if ((Path is null) == (Url is null))
        {
            yield return new ValidationResult("expected exactly one of 'path' and 'url'", [nameof(Path)]);
        }
        else if (Url is not null && !Uri.TryCreate(Url, UriKind.Absolute, out _))
        {
            yield return new ValidationResult($"\"{Url}\" is not an absolute URL", [nameof(Url)]);
        }
    }

    /// <summary>The local file the fingerprint hashes; null for a URL, which its pinned hash covers.</summary>
    public string? LocalPath(string root) => Path is null ? null : System.IO.Path.GetFullPath(Path, root);

    /// <summary>
    /// The verified file: the local one, or the download cache's copy of the URL. A file whose SHA-256 differs from
    /// the pinned one is a data error naming the file and both hashes.
    /// </summary>
    public string Fetch(string root, string downloadCache, IStageLog log)
    {
        if (Url is not null)
        {
            return new DownloadCache(downloadCache).Get(new Uri(Url), Sha256, log);
        }

        var local = LocalPath(root)!;
        if (!File.Exists(local))
        {
            throw new FileNotFoundException($"{local}: pinned file not found", local);
        }

        var actual = ContentHash.OfFile(local);
        return actual == Sha256
            ? local
            : throw new DataFormatException(local, $"SHA-256 is {actual}, but {Sha256} is pinned; restore the file or pin the new hash");
    }
}
