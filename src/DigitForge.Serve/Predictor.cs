using System.Collections.Concurrent;
using DigitForge.Inference;
using DigitForge.Scoring.Images;
using DigitForge.Scoring.Preprocessing;

namespace DigitForge.Serve;

/// <summary>One label and its probability.</summary>
public sealed record TopLabel(string Label, double P);

/// <summary>The answer for one image.</summary>
public sealed record Prediction(string Label, double Confidence, IReadOnlyList<TopLabel> Top, string Model);

/// <summary>Why an image cannot be scored, and the HTTP status that says so (415 unsupported, 422 corrupt).</summary>
public sealed record ImageProblem(int Status, string Title, string Detail);

/// <summary>
/// Image bytes to prediction on the scoring tool's path (<see cref="DigitInput"/>: header checks and the
/// pixel cap before any decoding, grey decoding, the same preprocessing as <c>digitforge-score</c>),
/// then the model's ONNX Runtime session.
/// </summary>
internal sealed class Predictor(ServeOptions options)
{
    [ThreadStatic]
    private static GreyImage? threadGrey;

    private readonly ConcurrentDictionary<(int Rows, int Columns), IDigitPreprocessor> preprocessors = new();

    /// <summary>Writes the model input for the image in <paramref name="file"/>[0..<paramref name="length"/>) into <paramref name="target"/>; null, or the problem.</summary>
    public ImageProblem? Prepare(byte[] file, int length, OnnxDigitModel model, Span<byte> target) =>
        DigitInput.Prepare(file, length, options.MaxPixels, threadGrey ??= new GreyImage(), Preprocessor(model), target) switch
        {
            null => null,
            { Kind: UnscorableKind.TooLarge } problem => new ImageProblem(StatusCodes.Status422UnprocessableEntity, "Image too large to decode", problem.Reason),
            { Kind: UnscorableKind.Unsupported } problem => new ImageProblem(StatusCodes.Status415UnsupportedMediaType, "Unsupported image", problem.Reason),
            var problem => new ImageProblem(StatusCodes.Status422UnprocessableEntity, "Corrupt image", problem.Reason),
        };

    /// <summary>Predictions for <paramref name="count"/> prepared images laid out one after the other, in one model run.</summary>
    public Prediction[] Predict(LoadedModel loaded, ReadOnlySpan<byte> pixels, int count)
    {
        var model = loaded.Model;
        var logits = new float[count * model.Classes];
        model.Logits(pixels[..(count * model.Rows * model.Columns)], logits, Math.Max(1, count));
        var result = new Prediction[count];
        for (var i = 0; i < count; i++)
        {
            var probabilities = OnnxDigitModel.Softmax(logits.AsSpan(i * model.Classes, model.Classes), model.Classes);
            result[i] = Describe(probabilities, model.Labels, loaded.Name);
        }

        return result;
    }

    private Prediction Describe(float[] probabilities, IReadOnlyList<string> labels, string modelName)
    {
        var k = Math.Min(options.TopK, probabilities.Length);
        var order = Enumerable.Range(0, probabilities.Length).OrderByDescending(i => probabilities[i]).ThenBy(i => i).Take(k);
        var top = order.Select(i => new TopLabel(labels[i], Math.Round(probabilities[i], 6))).ToArray();
        return new Prediction(top[0].Label, top[0].P, top, modelName);
    }

    private IDigitPreprocessor Preprocessor(OnnxDigitModel model) =>
        preprocessors.GetOrAdd((model.Rows, model.Columns), size => options.Preprocess
            ? new MnistPreprocessor(size.Rows, size.Columns)
            : new RawPreprocessor(size.Rows, size.Columns));
}
