using System.Text.Json;
using System.Text.Json.Nodes;
using DigitForge.Engine.Pipelines;
using DigitForge.Inference;
using DigitForge.Monitoring;
using DigitForge.Registry.Store;
using DigitForge.Scoring.Images;
using DigitForge.Scoring.Pipeline;
using DigitForge.Scoring.Preprocessing;

namespace DigitForge.Mnist.Serving;

/// <summary>
/// MNIST served: an image (base64 in JSON) to its digit with the version's FP32 ONNX model, one ONNX Runtime session per
/// loaded version, on the scoring tool's image path (<see cref="DigitInput"/>). ONNX Runtime only: this type must reach
/// nothing in DigitForge.Training, so serving never loads TorchSharp.
/// </summary>
public sealed class DigitServer : IPipelineServer
{
    /// <summary>Labels (with probabilities) in an answer.</summary>
    private const int TopK = 3;

    public IReadOnlyList<ServedField> RequestFields { get; } =
        [new("image", "string", true, "The image, base64: PNG, JPEG, BMP or GIF (recognised by its first bytes).", "byte")];

    public IReadOnlyList<ServedField> ResponseFields { get; } =
    [
        new("label", "string", true, "The predicted digit."),
        new("confidence", "number", true, "Its probability."),
        new("top", "array", true, "The most probable labels, each {label, p}, most probable first."),
    ];

    public ServedField OutcomeField { get; } = new("label", "string", true, "The digit the image shows, 0 to 9.");

    public IServedModel Load(string versionFolder, int threads) =>
        new ServedDigitModel(OnnxDigitModel.Load(Path.Combine(versionFolder, ModelVersion.OnnxFileName), threads, spinWhenIdle: false));

    private sealed class ServedDigitModel(OnnxDigitModel model) : IServedModel
    {
        [ThreadStatic]
        private static GreyImage? threadGrey;

        private readonly MnistPreprocessor preprocessor = new(model.Rows, model.Columns);

        public ServedPrediction Predict(JsonElement request)
        {
            var image = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("image", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : throw new ServedInputException("image", "image: required, the image as a base64 string");
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(image);
            }
            catch (FormatException)
            {
                throw new ServedInputException("image", "image: not base64");
            }

            var pixels = new byte[model.Rows * model.Columns];
            if (DigitInput.Prepare(bytes, bytes.Length, ScoringSettings.DefaultMaxPixels, threadGrey ??= new GreyImage(), preprocessor, pixels) is { } problem)
            {
                throw new ServedInputException("image", $"image: {problem.Reason}");
            }

            var logits = new float[model.Classes];
            model.Logits(pixels, logits, 1);
            var probabilities = OnnxDigitModel.Softmax(logits, model.Classes);
            var top = Enumerable.Range(0, model.Classes).OrderByDescending(i => probabilities[i]).ThenBy(i => i).Take(TopK).ToList();
            var label = model.Labels[top[0]];
            var confidence = Math.Round(probabilities[top[0]], 6);
            var response = new JsonObject
            {
                ["label"] = label,
                ["confidence"] = confidence,
                ["top"] = new JsonArray([.. top.Select(i => (JsonNode)new JsonObject { ["label"] = model.Labels[i], ["p"] = Math.Round(probabilities[i], 6) })]),
            };
            return new ServedPrediction(response, null, PredictionRecord.HashOf(bytes), label, confidence, null);
        }

        public JsonObject Describe() => new()
        {
            ["precision"] = model.Precision,
            ["onnxVersion"] = model.Version,
            ["inputShape"] = new JsonArray([.. model.Metadata.InputShape.Select(d => (JsonNode)d)]),
            ["labels"] = new JsonArray([.. model.Labels.Select(l => (JsonNode)l)]),
        };

        public void Dispose() => model.Dispose();
    }
}
