using Microsoft.ML.Data;

namespace DigitForge.HackerNews.Features;

/// <summary>
/// One story as ML.NET reads it. Every column is always present; the featurizer picks the ones
/// its config switches on, so one row type serves every recipe. Public because ML.NET binds it by reflection.
/// </summary>
public sealed class FeatureRow
{
    public string Title { get; set; } = "";

    public string Domain { get; set; } = "";

    /// <summary>Empty when unknown: no author column then.</summary>
    public string Author { get; set; } = "";

    // Column names of the features used as they are: they name their slot in feature importances.
    [ColumnName(FeatureNames.AskHn)]
    public float AskHn { get; set; }

    [ColumnName(FeatureNames.ShowHn)]
    public float ShowHn { get; set; }

    /// <summary>NaN when the submission time is unknown.</summary>
    public float Hour { get; set; }

    /// <summary>NaN when the submission time is unknown.</summary>
    public float Weekday { get; set; }

    [ColumnName(FeatureNames.TitleChars)]
    public float TitleChars { get; set; }

    [ColumnName(FeatureNames.TitleWords)]
    public float TitleWords { get; set; }

    /// <summary>The training target; ignored by the featurizer and when predicting.</summary>
    public float Label { get; set; }
}
