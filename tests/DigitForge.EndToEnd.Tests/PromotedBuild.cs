namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// One real build of the tiny recipe shared by a test class: v0001 promoted (the gate's bars lowered,
/// as the ci recipe trains for seconds) and its report written.
/// </summary>
public sealed class PromotedBuild : IDisposable
{
    public static readonly string[] Recipe = ["--config=configs/mnist/ci.json", "--set=promote.minAccuracy=0.1", "--set=promote.minClassRecall=0"];

    public PromotedBuild()
    {
        Promoted = Build.Run(["--target=Report", .. Recipe]);
    }

    public RepoBuild Build { get; } = new(seeded: true);

    /// <summary>Checked by each test, so a failed set-up fails the tests with its output instead of a constructor error.</summary>
    public BuildResult Promoted { get; }

    public string Models => Path.Combine(Build.Home, "models");

    public void Dispose() => Build.Dispose();
}
