namespace DigitForge.HackerNews.Modelling;

/// <summary>One feature's share of the trees' total split gain.</summary>
public sealed record FeatureImportance(string Feature, double Gain, double Share);

/// <summary>
/// <c>training.json</c>: the recipe and what training saw. <see cref="Offset"/> is added to the trees'
/// output before it is mapped back to comments (the median training residual, or 0; see <see cref="NewsCenter"/>).
/// <see cref="Seconds"/> (wall) and <see cref="CpuSeconds"/> (this process's processor time, which other load on
/// the machine hardly changes) vary between runs; <c>model.zip</c> is the file that must be bit-identical.
/// </summary>
public sealed record TrainingRecord(NewsTarget Target, double Offset, int TrainingStories, int FeatureCount, NewsTrainConfig Config, double Seconds, double CpuSeconds);
