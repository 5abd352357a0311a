namespace DigitForge.Scoring.Merging;

/// <summary>Shard outputs that cannot be merged into a whole run's: missing, given twice, incomplete or
/// from different runs. The message names each shard and what is wrong with it.</summary>
public sealed class ShardMergeException(string message) : Exception(message);
