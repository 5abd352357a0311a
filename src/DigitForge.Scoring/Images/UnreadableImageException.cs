namespace DigitForge.Scoring.Images;

/// <summary>One input file that cannot be scored. The message is the reason, written as the file's
/// error row; the run goes on with the other files.</summary>
public sealed class UnreadableImageException(string reason, Exception? inner = null) : Exception(reason, inner);
