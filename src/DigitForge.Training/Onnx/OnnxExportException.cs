namespace DigitForge.Training.Onnx;

/// <summary>The model has a layer, setting or shape the ONNX exporter cannot map exactly; nothing
/// was written. The message names the layer and the offending value.</summary>
public sealed class OnnxExportException : Exception
{
    public OnnxExportException(string message)
        : base(message)
    {
    }

    public OnnxExportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
