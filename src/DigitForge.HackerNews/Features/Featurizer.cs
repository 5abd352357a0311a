using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Stories;
using DigitForge.Kit.Modelling;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Text;

namespace DigitForge.HackerNews.Features;

/// <summary>How many slots of the feature vector a feature group takes.</summary>
public sealed record FeatureGroup(string Name, int Slots);

/// <summary><c>features.json</c>: what the fitted featurizer produces, for people and for the report.</summary>
public sealed record FeaturizeSummary(int TrainingStories, int FeatureCount, IReadOnlyList<FeatureGroup> Groups, FeaturesConfig Config);

/// <summary>
/// Turns stories into the feature vector: TF-IDF of title word n-grams, one-hot URL domain and submitter,
/// Ask/Show HN flags, hour and weekday (UTC) and title length, each switched by <see cref="FeaturesConfig"/>.
/// Everything learnt from data (vocabulary, IDF weights, frequent domains and submitters, the average time that fills
/// a missing one) is learnt from the training split only and saved in <c>featurizer.zip</c>.
/// </summary>
public static class Featurizer
{
    public const string ModelFile = "featurizer.zip";
    public const string SummaryFile = "features.json";

    /// <summary>Fits on <paramref name="train"/> and writes <c>featurizer.zip</c> and <c>features.json</c> to <paramref name="outputDirectory"/>.</summary>
    public static FeaturizeSummary Fit(IReadOnlyList<Story> train, FeaturesConfig config, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(config);
        if (train.Count == 0)
            throw new ArgumentException("The training split is empty: nothing to fit the featurizer on.", nameof(train));

        var ml = new MLContext(seed: 0);
        var data = ml.Data.LoadFromEnumerable(train.Select(s => StoryFacts.ToRow(SubmittedStory.From(s))));
        var featurizer = Pipeline(ml, config).Fit(data);
        Directory.CreateDirectory(outputDirectory);
        ModelZip.Save(ml, featurizer, data.Schema, Path.Combine(outputDirectory, ModelFile));

        var slots = SlotNames(featurizer.GetOutputSchema(data.Schema));
        var groups = slots.GroupBy(name => name.Split('.', 2)[0]).Select(g => new FeatureGroup(g.Key, g.Count())).ToList();
        var summary = new FeaturizeSummary(train.Count, slots.Count, groups, config);
        JsonFile.Write(Path.Combine(outputDirectory, SummaryFile), summary);
        return summary;
    }

    /// <summary>The names of the feature vector's slots, in order (what feature importances are reported by).</summary>
    public static IReadOnlyList<string> SlotNames(DataViewSchema featurized)
    {
        var column = featurized[FeatureNames.Features];
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        column.GetSlotNames(ref names);
        var dense = names.DenseValues().Select(n => n.ToString()).ToList();
        if (dense.Count != SlotCount(featurized))
            throw new InvalidDataException("The feature vector's slot names do not cover every slot.");

        // Concatenate prefixes slot names with their column's name only when it joins several columns:
        // a recipe of title words alone gets the prefix here, so names read alike in every recipe.
        var wordsOnly = featurized.GetColumnOrNull(FeatureNames.Word)?.Type is VectorDataViewType { Size: var words } && words == dense.Count;
        return wordsOnly ? [.. dense.Select(n => $"{FeatureNames.Word}.{n}")] : dense;
    }

    private static int SlotCount(DataViewSchema featurized) =>
        featurized[FeatureNames.Features].Type is VectorDataViewType { Size: > 0 } vector
            ? vector.Size
            : throw new InvalidDataException("The featurizer produced no fixed-size feature vector.");

    private static IEstimator<ITransformer> Pipeline(MLContext ml, FeaturesConfig config)
    {
        var text = ml.Transforms.Text;
        IEstimator<ITransformer> chain = text.NormalizeText("TitleText", nameof(FeatureRow.Title),
            config.Lowercase ? TextNormalizingEstimator.CaseMode.Lower : TextNormalizingEstimator.CaseMode.None,
            keepDiacritics: false, keepPunctuations: false, keepNumbers: true);
        chain = chain.Append(text.TokenizeIntoWords("TitleTokens", "TitleText"));
        if (config.RemoveStopWords)
            chain = chain.Append(text.RemoveDefaultStopWords("TitleTokens"));
        chain = chain
            .Append(ml.Transforms.Conversion.MapValueToKey("TitleKeys", "TitleTokens"))
            .Append(text.ProduceNgrams("TitleNgrams", "TitleKeys", config.NgramLength, useAllLengths: true,
                weighting: NgramExtractingEstimator.WeightingCriteria.TfIdf))
            // ProduceNgrams' own cap keeps the first n-grams it meets, not the frequent ones: select by count instead.
            .Append(ml.Transforms.FeatureSelection.SelectFeaturesBasedOnCount("TitleFrequent", "TitleNgrams", config.MinNgramCount))
            .Append(ml.Transforms.NormalizeLpNorm(FeatureNames.Word, "TitleFrequent"));

        var features = new List<string> { FeatureNames.Word };
        if (config.Domain)
        {
            chain = chain
                .Append(ml.Transforms.Categorical.OneHotEncoding("DomainAll", nameof(FeatureRow.Domain)))
                .Append(ml.Transforms.FeatureSelection.SelectFeaturesBasedOnCount(FeatureNames.Domain, "DomainAll", config.MinDomainCount));
            features.Add(FeatureNames.Domain);
        }

        if (config.Author)
        {
            chain = chain
                .Append(ml.Transforms.Categorical.OneHotEncoding("AuthorAll", nameof(FeatureRow.Author)))
                .Append(ml.Transforms.FeatureSelection.SelectFeaturesBasedOnCount(FeatureNames.Author, "AuthorAll", config.MinAuthorCount));
            features.Add(FeatureNames.Author);
        }

        if (config.AskShowFlags)
            features.AddRange([FeatureNames.AskHn, FeatureNames.ShowHn]);
        if (config.HourOfDay)
        {
            chain = chain.Append(ml.Transforms.ReplaceMissingValues(FeatureNames.Hour, nameof(FeatureRow.Hour), MissingValueReplacingEstimator.ReplacementMode.Mean));
            features.Add(FeatureNames.Hour);
        }

        if (config.Weekday)
        {
            chain = chain.Append(ml.Transforms.ReplaceMissingValues(FeatureNames.Weekday, nameof(FeatureRow.Weekday), MissingValueReplacingEstimator.ReplacementMode.Mean));
            features.Add(FeatureNames.Weekday);
        }

        if (config.TitleLength)
            features.AddRange([FeatureNames.TitleChars, FeatureNames.TitleWords]);
        return chain.Append(ml.Transforms.Concatenate(FeatureNames.Features, [.. features]));
    }
}
