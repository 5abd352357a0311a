using System.Collections.Concurrent;
using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Features;
using DigitForge.Kit.Modelling;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DigitForge.HackerNews.Modelling;

/// <summary>A saved featurizer and model, loaded once, predicting comment counts for batches of stories.</summary>
public sealed class NewsPredictor : IDisposable
{
    private readonly MLContext _ml = new(seed: 0);
    private readonly ITransformer _featurizer;
    private readonly ITransformer _model;

    private readonly double _offset;

    // A PredictionEngine is not thread-safe: each call takes one from the pool (or makes one) and puts it back.
    private readonly ConcurrentBag<PredictionEngine<FeatureRow, ScoreRow>> _engines = [];

    private NewsPredictor(ITransformer featurizer, ITransformer model, NewsTarget target, double offset)
    {
        _featurizer = featurizer;
        _model = model;
        _offset = offset;
        Target = target;
    }

    public NewsTarget Target { get; }

    /// <summary>Loads <paramref name="featurizerPath"/> (<c>featurizer.zip</c>) and the model <see cref="NewsTrainer"/> wrote to <paramref name="modelDirectory"/>.</summary>
    public static NewsPredictor Load(string featurizerPath, string modelDirectory)
    {
        var record = JsonFile.Read<TrainingRecord>(Path.Combine(modelDirectory, NewsTrainer.RecordFile));
        var ml = new MLContext(seed: 0);
        return new NewsPredictor(
            ModelZip.Load(ml, featurizerPath, out _),
            ModelZip.Load(ml, Path.Combine(modelDirectory, NewsTrainer.ModelFile), out _),
            record.Target,
            record.Offset);
    }

    /// <summary>Predicted comment counts (never negative), in the order of <paramref name="stories"/>.</summary>
    public IReadOnlyList<double> Predict(IReadOnlyList<SubmittedStory> stories)
    {
        ArgumentNullException.ThrowIfNull(stories);
        if (stories.Count == 0)
            return [];
        var rows = _ml.Data.LoadFromEnumerable(stories.Select(s => StoryFacts.ToRow(s)));
        var scored = _model.Transform(_featurizer.Transform(rows));
        return [.. scored.GetColumn<float>("Score").Select(p => TargetScale.ToCount(Target, p + _offset))];
    }

    /// <summary>The predicted comment count of one story, as <see cref="Predict(IReadOnlyList{SubmittedStory})"/> gives it; thread-safe.</summary>
    public double Predict(SubmittedStory story)
    {
        if (!_engines.TryTake(out var engine))
        {
            engine = _ml.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(new TransformerChain<ITransformer>(_featurizer, _model));
        }

        try
        {
            return TargetScale.ToCount(Target, engine.Predict(StoryFacts.ToRow(story)).Score + _offset);
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    /// <summary>Disposes the pooled engines (call once no prediction is running).</summary>
    public void Dispose()
    {
        while (_engines.TryTake(out var engine))
        {
            engine.Dispose();
        }
    }

    /// <summary>The model's output column, as a PredictionEngine binds it (public: bound by reflection).</summary>
    public sealed class ScoreRow
    {
        public float Score { get; set; }
    }
}
