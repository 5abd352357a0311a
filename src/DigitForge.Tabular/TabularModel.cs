using DigitForge.Kit.Tables;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DigitForge.Tabular;

/// <summary>
/// The ML.NET side of a declaration: the text loader for its split files (features, then label) and the
/// featurization every trainer gets: numbers as they are, categories one-hot, text as n-grams, then min-max scaled.
/// </summary>
public static class TabularModel
{
    /// <summary>Loads a file in the declaration's column order; an empty label (a file to score) loads as missing.</summary>
    public static IDataView Load(MLContext ml, TabularDeclaration declaration, string path) => Loader(ml, declaration).Load(path);

    /// <summary>The loader of CSV text in the declaration's column order, with a header: files, or rows held in memory.</summary>
    public static TextLoader Loader(MLContext ml, TabularDeclaration declaration)
    {
        var columns = declaration.Columns
            .Select((c, i) => new TextLoader.Column(c.Name, c.Kind == ColumnKind.Numeric ? DataKind.Single : DataKind.String, i))
            .ToArray();
        return ml.Data.CreateTextLoader(new TextLoader.Options { Columns = columns, HasHeader = true, Separators = [','], AllowQuoting = true });
    }

    /// <summary>The label as <see cref="Trainers.Label"/> (a key in the declared class order for a classifier), and the features.</summary>
    public static IEstimator<ITransformer> Featurize(MLContext ml, TabularDeclaration declaration)
    {
        IEstimator<ITransformer> label = declaration.IsClassifier
            ? ml.Transforms.Conversion.MapValueToKey(Trainers.Label, declaration.Label, keyData: ml.Data.LoadFromEnumerable(declaration.Classes!.Select(c => new ClassValue { Value = c })))
            : ml.Transforms.CopyColumns(Trainers.Label, declaration.Label);
        var parts = new List<string>();
        var chain = label;
        foreach (var (feature, i) in declaration.Features.Select((f, i) => (f, i)))
        {
            var encoded = $"feature{i}";
            chain = feature.Kind switch
            {
                ColumnKind.Categorical => chain.Append(ml.Transforms.Categorical.OneHotEncoding(encoded, feature.Name)),
                ColumnKind.Text => chain.Append(ml.Transforms.Text.FeaturizeText(encoded, feature.Name)),
                _ => chain.Append(ml.Transforms.CopyColumns(encoded, feature.Name)),
            };
            parts.Add(encoded);
        }

        return chain
            .Append(ml.Transforms.Concatenate(Trainers.Features, [.. parts]))
            .Append(ml.Transforms.NormalizeMinMax(Trainers.Features));
    }

    private sealed class ClassValue
    {
        public string Value { get; set; } = string.Empty;
    }
}
