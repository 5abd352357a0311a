namespace DigitForge.Scoring.Listing;

/// <summary>A file to score: its full path, and its path relative to the scored folder with '/'
/// separators, which is what the output records (the same on every machine and shard).</summary>
public sealed record ListedFile(string FullPath, string RelativePath);
