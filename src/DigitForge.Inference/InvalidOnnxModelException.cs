namespace DigitForge.Inference;

/// <summary>An .onnx file that cannot be used as a DigitForge model: unreadable, not ONNX, or
/// missing/invalid DigitForge metadata or inputs. The message names the file.</summary>
public sealed class InvalidOnnxModelException : IOException
{
    public InvalidOnnxModelException(string path, string problem, Exception? innerException = null)
        : base($"ONNX model '{path}': {problem}", innerException)
    {
        FilePath = path;
    }

    /// <summary>The model file concerned.</summary>
    public string FilePath { get; }
}
