namespace DigitForge.HackerNews.Features;

/// <summary>
/// Names of the feature groups as they appear in the feature vector's slot names: a word n-gram
/// slot reads <c>word.open|source</c>, a domain slot <c>domain.github.com</c>, an author slot
/// <c>author.pg</c>, the others their own name.
/// </summary>
public static class FeatureNames
{
    public const string Word = "word";
    public const string Domain = "domain";
    public const string Author = "author";
    public const string AskHn = "ask_hn";
    public const string ShowHn = "show_hn";
    public const string Hour = "hour_utc";
    public const string Weekday = "weekday_utc";
    public const string TitleChars = "title_chars";
    public const string TitleWords = "title_words";

    /// <summary>The concatenated feature vector the trainer reads.</summary>
    public const string Features = "Features";
}
