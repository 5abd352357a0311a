using System.CommandLine;
using DigitForge.Engine.Caching;
using DigitForge.Engine.Config;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Engine.Pipelines;
using DigitForge.Registry.Store;
using DigitForge.Reporting.Plots;
using ScottPlot;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge experiments plot A B --out FILE</c>: two models' training curves over each other,
/// from the training history the pipeline declares (<see cref="IPipelineDefinition.TrainingHistory"/>,
/// kept in each model version's folder).
/// </summary>
public static class ExperimentsPlot
{
    private const int Width = 900;
    private const int Height = 500;

    public static Command Create()
    {
        var a = new Argument<string>("a") { Description = "A model version (7, v7, v0007-3fa2c1d), or a run id whose model is a version or the current Train output." };
        var b = new Argument<string>("b") { Description = "The second one, named the same ways." };
        var output = new Option<string>("--out") { Description = "The figure to write: .svg, .png or .html (an SVG in a page).", Required = true };
        var metric = new Option<string>("--metric") { Description = "accuracy or loss; validation is the bold line, train the pale one.", DefaultValueFactory = _ => "accuracy" };
        metric.AcceptOnlyFromAmong("accuracy", "loss");
        var command = new Command("plot", "Overlay the training curves (per epoch, train and validation) of two model versions or runs.") { a, b, output, metric };
        command.SetAction(result => Guarded.Run(() =>
        {
            var file = Path.GetFullPath(result.GetValue(output)!);
            var extension = Path.GetExtension(file).ToLowerInvariant();
            if (extension is not (".svg" or ".png" or ".html"))
            {
                throw new ConfigException($"--out {file}: expected a .svg, .png or .html file");
            }

            var definition = CommonOptions.Definition(result);
            var history = definition.TrainingHistory
                ?? throw new ConfigException($"pipeline {definition.Name} records no training history to plot");
            var first = Curve(result, history, result.GetValue(a)!);
            var second = Curve(result, history, result.GetValue(b)!);
            var plot = Draw(first, second, result.GetValue(metric) == "loss");
            switch (extension)
            {
                case ".png":
                    AtomicFile.WriteAllBytes(file, plot.GetImageBytes(Width, Height, ImageFormat.Png));
                    break;
                case ".svg":
                    AtomicFile.WriteAllText(file, plot.GetSvgXml(Width, Height));
                    break;
                default:
                    AtomicFile.WriteAllText(file, $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{first.Label} vs {second.Label}</title></head><body>\n{plot.GetSvgXml(Width, Height)}\n</body></html>\n");
                    break;
            }

            Console.WriteLine($"wrote {file}: {first.Label} ({first.Epochs.Count} epochs) and {second.Label} ({second.Epochs.Count} epochs)");
            return ExitCodes.Success;
        }));
        return command;
    }

    private sealed record TrainingCurve(string Label, IReadOnlyList<EpochPoint> Epochs);

    private static Plot Draw(TrainingCurve first, TrainingCurve second, bool loss)
    {
        var plot = new Plot();
        foreach (var (curve, color) in new[] { (first, Colors.SteelBlue), (second, Colors.DarkOrange) })
        {
            var epochs = curve.Epochs.Select(e => (double)e.Epoch).ToArray();
            var validation = plot.Add.Scatter(epochs, curve.Epochs.Select(e => loss ? e.ValLoss : e.ValAccuracy).ToArray());
            validation.LegendText = $"{curve.Label} validation";
            validation.Color = color;
            var train = plot.Add.Scatter(epochs, curve.Epochs.Select(e => loss ? e.TrainLoss : e.TrainAccuracy).ToArray());
            train.LegendText = $"{curve.Label} train";
            // Paler and thinner rather than dashed: Skia's SVG output cannot draw dash patterns.
            train.Color = color.WithAlpha(0.45);
            train.LineWidth = 1;
            validation.LineWidth = 2;
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend();
        plot.Title($"{(loss ? "Loss" : "Accuracy")} per epoch: {first.Label} vs {second.Label}");
        plot.XLabel("epoch");
        plot.YLabel(loss ? "cross-entropy" : "accuracy");
        return plot;
    }

    // A version's folder keeps its history.json; a run's is its version's, or Train's current one if that is still the run's Train.
    private static TrainingCurve Curve(ParseResult result, StageOutput history, string reference)
    {
        var (store, registry) = ExperimentsDiff.Open(result);
        var experiments = Experiments.Load(RunRecorder.History(result), Console.Error);
        var isRun = experiments.Runs.Any(r => r.Run.Id == reference);
        if (!isRun && ModelReference.TryParse(reference, out _))
        {
            var id = ExperimentsDiff.RunOfVersion(store, registry, reference);
            var version = store.List().First(v => store.ReadManifest(v).RunId == id);
            return Read(version.Name, Path.Combine(version.Directory, history.File));
        }

        var run = experiments.Find(reference, _ => null).Run;
        if (store.List().FirstOrDefault(v => store.ReadManifest(v).RunId == run.Id) is { } made)
        {
            return Read($"{made.Name} (run {run.Id})", Path.Combine(made.Directory, history.File));
        }

        var train = history.StageName;
        var paths = CommonOptions.Paths(result);
        var stages = CommonOptions.Graph(result, useStageCache: false).Store;
        var trained = run.Stages.FirstOrDefault(s => s.Stage == train)?.Fingerprint;
        var current = stages.TryRead(train, out _)?.Fingerprint;
        if (trained is not null && trained == current)
        {
            return Read($"run {run.Id}", Path.Combine(stages.DirectoryOf(train), history.File));
        }

        // The local stage cache keeps every Train output by fingerprint until pruned; the curve is only read, so no copy.
        var cached = trained is null ? null : Path.Combine(new StageCache(paths.StageCache).EntryOf(trained), history.File);
        return File.Exists(cached)
            ? Read($"run {run.Id}", cached)
            : throw new ConfigException(
                $"run {run.Id} stored no model version, and its {train} outputs are neither the current ones nor in the stage cache {paths.StageCache} "
                + $"({(trained is null ? "it recorded no " + train : "fingerprint " + trained[..7])}, current {current?[..7] ?? "none"}); name a model version, or rebuild that recipe first");
    }

    private static TrainingCurve Read(string label, string path) =>
        File.Exists(path)
            ? new TrainingCurve(label, JsonFile.Read<List<EpochPoint>>(path))
            : throw new ConfigException($"{label} has no training history ({path} is missing)");
}
