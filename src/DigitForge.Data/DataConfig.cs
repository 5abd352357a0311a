using System.ComponentModel.DataAnnotations;

namespace DigitForge.Data;

/// <summary>The <c>data</c> section: where the labelled images come from. Exactly one source.</summary>
public sealed class DataConfig : IValidatableObject
{
    /// <summary>IDX files (the MNIST format), optionally with an official test set.</summary>
    public IdxSourceConfig? Idx { get; set; }

    /// <summary>A folder with one sub-folder per label.</summary>
    public FolderSourceConfig? Folder { get; set; }

    /// <summary>
    /// Feedback snapshots (ids printed by digitforge feedback export) whose labelled images are added to the training split;
    /// the validation and test splits stay as the source makes them.
    /// </summary>
    public List<string>? Feedback { get; set; }

    /// <summary>
    /// How many times each feedback image appears in the training split (validation and test are untouched): more weighs a
    /// few hundred images of a shift against the thousands of the source.
    /// </summary>
    [Range(1, 100)]
    public int FeedbackRepeat { get; set; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if ((Idx is null) == (Folder is null))
        {
            yield return new ValidationResult("exactly one of 'idx' or 'folder' must be set", [nameof(Idx)]);
        }
    }
}

public sealed class IdxSourceConfig : IValidatableObject
{
    [Required]
    public FileReference? Images { get; set; }

    [Required]
    public FileReference? Labels { get; set; }

    /// <summary>The source's official test images; when present they become the test split.</summary>
    public FileReference? TestImages { get; set; }

    public FileReference? TestLabels { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if ((TestImages is null) != (TestLabels is null))
        {
            yield return new ValidationResult("'testImages' and 'testLabels' must be set together", [nameof(TestImages)]);
        }
    }
}

public sealed class FolderSourceConfig
{
    /// <summary>Folder with sub-folders named by label ("0" ... "9").</summary>
    [Required]
    [MinLength(1)]
    public string? Path { get; set; }

    /// <summary>An optional folder laid out the same way that holds the official test set.</summary>
    public string? TestPath { get; set; }

    /// <summary>Every image must have this width and height.</summary>
    [Range(4, 1024)]
    public int ImageSize { get; set; } = 28;
}

/// <summary>A local file or a URL, with the SHA-256 its content must have.</summary>
public sealed class FileReference : IValidatableObject
{
    /// <summary>Local path, relative to the repository root unless absolute.</summary>
    public string? Path { get; set; }

    /// <summary>HTTP(S) address; downloaded once into the download cache.</summary>
    public string? Url { get; set; }

    /// <summary>Lower-case hex SHA-256 of the file's bytes (of the .gz itself for gzipped files).</summary>
    [RegularExpression("^[0-9a-f]{64}$", ErrorMessage = "expected 64 lower-case hex digits")]
    public string? Sha256 { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if ((Path is null) == (Url is null))
        {
            yield return new ValidationResult("exactly one of 'path' or 'url' must be set", [nameof(Path)]);
        }

        if (Url is not null && Sha256 is null)
        {
            yield return new ValidationResult("a 'url' needs a pinned 'sha256'", [nameof(Sha256)]);
        }

        if (Url is not null && !(Uri.TryCreate(Url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult($"expected an absolute http(s) URL, got '{Url}'", [nameof(Url)]);
        }
    }
}
