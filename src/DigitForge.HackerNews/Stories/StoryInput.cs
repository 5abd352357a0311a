namespace DigitForge.HackerNews.Stories;

/// <summary>A story to score: only the title is required.</summary>
public sealed record StoryInput(long? Id, string Title, string? Url, DateTimeOffset? CreatedAt);

/// <summary>One data row of a scoring input file: the story, or why it cannot be scored.</summary>
public sealed record StoryInputRow
{
    private StoryInputRow(int row, long line, StoryInput? story, string? error)
    {
        Row = row;
        Line = line;
        Story = story;
        Error = error;
    }

    /// <summary>1-based number of the row among the file's data rows (a CSV header and blank lines are not rows).</summary>
    public int Row { get; }

    /// <summary>1-based line of the file where the row starts.</summary>
    public long Line { get; }

    /// <summary>The story; null when the row is an error row.</summary>
    public StoryInput? Story { get; }

    /// <summary>Why the row cannot be scored; null when it can.</summary>
    public string? Error { get; }

    public static StoryInputRow Valid(int row, long line, StoryInput story) => new(row, line, story, null);

    public static StoryInputRow Invalid(int row, long line, string error) => new(row, line, null, error);
}
