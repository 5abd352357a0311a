using DigitForge.Engine.Stages;
using DigitForge.Kit.Splitting;
using DigitForge.Kit.Tables;

namespace DigitForge.Tabular.Stages;

/// <summary>Split: seeded train and test files, stratified by class for a classifier (a regression is one stratum).</summary>
public sealed class SplitStage(TabularDeclaration declaration, TabularSplitConfig config) : IStage
{
    public const string TrainFile = "train.csv";
    public const string TestFile = "test.csv";

    public string Description => $"Holds out {config.TestFraction:P0} of the rows as the test split (seed {config.Seed}){(declaration.IsClassifier ? ", stratified by class" : string.Empty)}.";

    public IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<IngestStage>(IngestStage.DataFile)];

    public StageInputs DescribeInputs() => new(new { split = config, stratifyBy = declaration.IsClassifier ? declaration.Label : null }, new Dictionary<string, string>(), new Dictionary<string, string>());

    public void Run(StageRunContext context)
    {
        var table = CsvTable.Read(context.UpstreamFile<IngestStage>(IngestStage.DataFile), declaration.Columns);
        var strata = declaration.IsClassifier
            ? [.. table.Column(declaration.Label).Select(v => (byte)Array.IndexOf(declaration.Classes!, v))]
            : new byte[table.Rows.Count];
        var split = StratifiedSplitter.Split(strata, config.TestFraction, 0, config.Seed);
        table.Write(context.OutputFile(TrainFile), split.Train.Select(i => table.Rows[i]));
        table.Write(context.OutputFile(TestFile), split.Test.Select(i => table.Rows[i]));
        context.Log.Info($"{split.Train.Length} train, {split.Test.Length} test rows");
    }
}
