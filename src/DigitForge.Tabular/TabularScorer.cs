using System.Globalization;
using DigitForge.Engine.Pipelines;
using DigitForge.Kit.Tables;
using DigitForge.Registry.Store;
using DigitForge.Remote;
using Microsoft.ML.Data;

namespace DigitForge.Tabular;

/// <summary>
/// A tabular pipeline's scorer: a CSV with the declared feature columns (the label may be there or not), scored with a
/// version of the registry by the columns that version was trained on; writes <c>row,predicted</c> (and a classifier's
/// <c>probability</c>) as CSV, atomically.
/// </summary>
public sealed class TabularScorer(TabularDeclaration declaration) : IPipelineScorer
{
    public string InputDescription => $"a CSV with a header and the feature columns {string.Join(", ", declaration.Features.Select(f => f.Name))}";

    public ScoreOutcome Score(ScoreRequest request, CancellationToken cancellation)
    {
        // The output is replaced whole, so --overwrite is what it always does.
        request.RefuseOtherThan("--input", "--overwrite");
        if (request.Input is not { } input)
        {
            throw new ScoreSetupException(ScoreSetupProblem.Usage, "score needs --input=FILE.csv");
        }

        var registry = RegistrySettings.Open(request.Paths.Models, request.Paths.Pipeline);
        var version = registry.Store.Get(ModelReference.ResolveOrProduction(registry, request.Model));
        registry.Store.EnsureIntact(version);
        var trained = TrainedTabularModel.Load(version.Directory);

        // The file is checked and put in the model's column order, the label left empty: the loader reads it as missing.
        var table = CsvTable.Read(input, trained.Declaration.Columns, new HashSet<string> { trained.Declaration.Label });
        var normalized = Path.Combine(Path.GetDirectoryName(request.Output)!, $".{Path.GetFileName(request.Output)}.input.csv");
        table.Write(normalized, table.Rows.Select(row => row[..^1].Append(string.Empty).ToArray()));
        try
        {
            var classifier = trained.Declaration.IsClassifier;
            var rows = trained.Predict(new MultiFileSource(normalized)).Select(p => classifier
                ? new[] { p.Class!, p.Value.ToString("0.0000", CultureInfo.InvariantCulture) }
                : [p.Value.ToString("0.####", CultureInfo.InvariantCulture)]);
            ColumnSpec[] header = classifier
                ? [new("row", ColumnKind.Numeric), new("predicted", ColumnKind.Categorical), new("probability", ColumnKind.Numeric)]
                : [new("row", ColumnKind.Numeric), new("predicted", ColumnKind.Numeric)];
            var count = 0;
            CsvTable.Write(request.Output, header, rows.Select((r, i) => { count++; return r.Prepend((i + 1).ToString(CultureInfo.InvariantCulture)).ToArray(); }));
            request.Log.WriteLine($"{count} rows scored with {version.Name}: {request.Output}");
        }
        finally
        {
            File.Delete(normalized);
        }

        return ScoreOutcome.Scored;
    }
}
