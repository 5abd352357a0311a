using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Feedback;
using DigitForge.Monitoring.Store;
using DigitForge.Scoring.Images;
using DigitForge.Scoring.Preprocessing;
using DigitForge.Scoring.Pipeline;

namespace DigitForge.Mnist.Feedback;

/// <summary>
/// MNIST's feedback export: each labelled image, read again from the file it was scored from (or, where that file is gone or
/// changed, from the copy the log kept when it was labelled), prepared as <c>score</c> prepares
/// it (<see cref="MnistPreprocessor"/>), and written with its label as the IDX pair Ingest writes. Only images with the content
/// that was predicted are taken. Examples are ordered by content and label, so the same images give the same
/// bytes wherever their files lie.
/// </summary>
public static class ImageFeedback
{
    /// <summary>MNIST's field: the size of the bundled digits and of the models trained on them; Preprocess refuses another.</summary>
    public const int Side = 28;

    public static FeedbackManifest Export(IMonitorStore store, string pipeline, IReadOnlyList<string> classes, string root, FeedbackWindow window)
    {
        var leftOut = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var examples = new List<(string Hash, byte Label, byte[] Pixels, DateTimeOffset At)>();
        var preprocessor = new MnistPreprocessor(Side, Side);
        var grey = new GreyImage();
        var labels = classes.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => (byte)c.index, StringComparer.Ordinal);
        foreach (var (prediction, outcome) in LabelledPredictions.Join(store, pipeline, window, leftOut))
        {
            if (outcome.Label is not { } text || !labels.TryGetValue(text, out var label))
            {
                LabelledPredictions.LeaveOut(leftOut, "label outside the classes");
                continue;
            }

            var file = File.Exists(prediction.Id) ? File.ReadAllBytes(prediction.Id) : null;
            var content = file is not null && PredictionRecord.HashOf(file) == prediction.InputHash ? file : store.KeptInput(pipeline, prediction.InputHash);
            if (content is null)
            {
                LabelledPredictions.LeaveOut(leftOut, file is null ? "input file not found, and its content not kept" : "input file changed since its prediction, and its content not kept");
                continue;
            }

            var pixels = new byte[Side * Side];
            if (DigitInput.Prepare(content, content.Length, ScoringSettings.DefaultMaxPixels, grey, preprocessor, pixels) is { } unscorable)
            {
                LabelledPredictions.LeaveOut(leftOut, $"unreadable image ({unscorable.Kind.ToString().ToLowerInvariant()})");
                continue;
            }

            examples.Add((prediction.InputHash, label, pixels, prediction.At));
        }

        if (examples.Count == 0)
        {
            throw FeedbackSnapshots.NothingToExport(store, pipeline, leftOut);
        }

        var ordered = examples.OrderBy(e => e.Hash, StringComparer.Ordinal).ThenBy(e => e.Label).ToList();
        var images = new LabelledImages([.. ordered.SelectMany(e => e.Pixels)], [.. ordered.Select(e => e.Label)], Side, Side);
        return FeedbackSnapshots.Write(root, pipeline, new FeedbackContent(
            folder => IdxFile.Save(images, Path.Combine(folder, DatasetFiles.Images(DatasetFiles.Feedback)), Path.Combine(folder, DatasetFiles.Labels(DatasetFiles.Feedback))),
            images.Count,
            labels.ToDictionary(c => c.Key, c => images.Labels.Count(l => l == c.Value), StringComparer.Ordinal),
            examples.Min(e => e.At),
            examples.Max(e => e.At),
            leftOut));
    }
}
