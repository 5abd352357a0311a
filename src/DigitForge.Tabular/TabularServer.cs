using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Pipelines;
using DigitForge.Kit.Tables;
using Microsoft.ML.Data;

namespace DigitForge.Tabular;

/// <summary>
/// A recipe-only pipeline served: a JSON object of the declared feature columns (numbers as JSON numbers, categories
/// and text as strings) to the predicted class and its probability, or the predicted value. A loaded version reads
/// the request by its own copy of the declaration, so it keeps the columns it was trained on; properties it does not
/// declare are ignored, as the scorer ignores a CSV's other columns.
/// </summary>
/// <remarks>
/// The prediction log's input hash is the SHA-256 of the features as the model read them: a compact JSON object of
/// the version's feature columns in their declared order, numbers in their shortest round-trip form, an absent text as "".
/// </remarks>
public sealed class TabularServer(TabularDeclaration declaration) : IPipelineServer
{
    private const string Predicted = "predicted";
    private const string Probability = "probability";

    public IReadOnlyList<ServedField> RequestFields { get; } = [.. declaration.Features.Select(Field)];

    public IReadOnlyList<ServedField> ResponseFields { get; } = declaration.IsClassifier
        ? [new(Predicted, "string", true, $"The predicted {declaration.Label}: one of {string.Join(", ", declaration.Classes!)}."), new(Probability, "number", true, "Its probability.")]
        : [new(Predicted, "number", true, $"The predicted {declaration.Label}.")];

    public ServedField OutcomeField { get; } = declaration.IsClassifier
        ? new(declaration.Label, "string", true, $"The true {declaration.Label}: one of {string.Join(", ", declaration.Classes!)}.")
        : new(declaration.Label, "number", true, $"The true {declaration.Label}.");

    public IServedModel Load(string versionFolder, int threads) => new ServedTabularModel(TrainedTabularModel.Load(versionFolder));

    /// <summary>Numbers and categories are required, as a CSV cell of theirs may not be empty; a text may be, so it may be absent.</summary>
    private static ServedField Field(FeatureColumn feature) => feature.Kind switch
    {
        ColumnKind.Numeric => new(feature.Name, "number", true, "A number."),
        ColumnKind.Categorical => new(feature.Name, "string", true, "A category, as the training CSV spells it."),
        _ => new(feature.Name, "string", false, "Free text; absent: empty."),
    };

    private sealed class ServedTabularModel(TrainedTabularModel model) : IServedModel
    {
        private readonly TabularDeclaration trained = model.Declaration;

        public ServedPrediction Predict(JsonElement request)
        {
            if (request.ValueKind != JsonValueKind.Object)
            {
                throw new ServedInputException("$", $"expected a JSON object of the features, got {request.ValueKind}");
            }

            var values = trained.Features.Select(f => Value(request, f)).ToArray();

            // The row the scorer would write for the same features: CSV text in the version's column order, the label empty.
            using var csv = new MemoryStream();
            CsvTable.Write(csv, trained.Columns, [[.. values, string.Empty]]);
            var prediction = model.Predict(new RowSource(csv.ToArray())).Single();

            var canonical = new JsonObject();
            foreach (var (feature, value) in trained.Features.Zip(values))
            {
                canonical[feature.Name] = feature.Kind == ColumnKind.Numeric ? double.Parse(value, CultureInfo.InvariantCulture) : value;
            }

            var hash = ContentHash.OfText(canonical.ToJsonString());
            var figure = Shortest(prediction.Value);
            return trained.IsClassifier
                ? new ServedPrediction(new JsonObject { [Predicted] = prediction.Class, [Probability] = figure }, null, hash, prediction.Class, figure, null)
                : new ServedPrediction(new JsonObject { [Predicted] = figure }, null, hash, null, null, figure);
        }

        public JsonObject Describe() => new()
        {
            ["task"] = trained.Task!.Value.ToString().ToLowerInvariant(),
            ["label"] = trained.Label,
            ["classes"] = trained.Classes is { } classes ? new JsonArray([.. classes.Select(c => (JsonNode)c)]) : null,
        };

        // ML.NET models hold no unmanaged resources.
        public void Dispose()
        {
        }

        /// <summary>The feature's CSV cell, or a problem naming it: a missing or ill-typed value, an empty category.</summary>
        private static string Value(JsonElement request, FeatureColumn feature)
        {
            var name = feature.Name;
            var value = ServedRequest.Optional(request, name, feature.Kind == ColumnKind.Numeric ? JsonValueKind.Number : JsonValueKind.String);
            return feature.Kind switch
            {
                ColumnKind.Numeric => value is not { } number ? throw new ServedInputException(name, $"{name}: required, a number")
                    : number.TryGetDouble(out var figure) && double.IsFinite(figure) ? figure.ToString(CultureInfo.InvariantCulture)
                    : throw new ServedInputException(name, $"{name}: {number.GetRawText()} is not a finite number"),
                ColumnKind.Categorical => value is not { } category ? throw new ServedInputException(name, $"{name}: required, a category (a string)")
                    : category.GetString() is { Length: > 0 } text ? text
                    : throw new ServedInputException(name, $"{name}: empty; expected a category"),
                _ => value?.GetString() ?? string.Empty,
            };
        }

        /// <summary>The float as its shortest round-trip text reads: 152.14, not 152.13999938964844.</summary>
        private static double Shortest(float value) => double.Parse(value.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>CSV bytes held in memory as ML.NET's loader reads a file: the request's one row, no file written.</summary>
    private sealed class RowSource(byte[] csv) : IMultiStreamSource
    {
        public int Count => 1;

        public string? GetPathOrNull(int index) => null;

        public Stream Open(int index) => new MemoryStream(csv, writable: false);

        public TextReader OpenTextReader(int index) => new StreamReader(Open(index));
    }
}
