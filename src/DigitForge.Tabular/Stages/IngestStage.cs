using DigitForge.Engine.Stages;
using DigitForge.Kit.Ingest;
using DigitForge.Kit.Tables;

namespace DigitForge.Tabular.Stages;

/// <summary>Ingest: the pinned CSV, its SHA-256 checked, every declared column typed; kept as <c>data.csv</c>.</summary>
public sealed class IngestStage(TabularDeclaration declaration, string root, string downloadCache) : IStage
{
    public const string DataFile = "data.csv";

    private readonly PinnedIngest ingest = new(declaration.Source, root, downloadCache);

    public string Description => $"Reads {declaration.Source.Path ?? declaration.Source.Url}, checks its pinned SHA-256 and every declared column's type.";

    public IReadOnlyList<StageDependency> Dependencies => [];

    public StageInputs DescribeInputs() => ingest.Inputs(new { source = declaration.Source, label = declaration.Label, features = declaration.Features, classes = declaration.Classes });

    public void Run(StageRunContext context)
    {
        var source = ingest.Verified(context);
        var table = CsvTable.Read(source, declaration.Columns);
        if (declaration.Classes is { } classes && table.Column(declaration.Label).FirstOrDefault(v => !classes.Contains(v)) is { } stray)
        {
            throw new TableFormatException(source, 0, declaration.Label, $"\"{stray}\" is not one of the declared classes ({string.Join(", ", classes)})");
        }

        table.Write(context.OutputFile(DataFile), table.Rows);
        context.Log.Info($"{table.Rows.Count} rows, {declaration.Features.Length} features");
    }
}
