using DigitForge.Engine.Stages;

namespace DigitForge.Engine.Tests;

[Trait("Category", "Unit")]
public sealed class TextStageLogTests
{
    [Fact]
    public void Progress_is_a_timestamped_line_at_most_once_per_interval()
    {
        var text = new StringWriter();
        IStageLog log = new TextStageLog(text, "Train", TimeSpan.FromHours(1));

        log.Progress(0.5, "epoch 1/2 batch 3/4");
        log.Info("done");

        text.ToString().Should().NotContain("epoch").And.MatchRegex(@"^\d\d:\d\d:\d\d Train\s+info done");
    }

    [Fact]
    public void With_no_interval_every_progress_report_is_a_line()
    {
        var text = new StringWriter();
        IStageLog log = new TextStageLog(text, "Train", TimeSpan.Zero);

        log.Progress(0.25, "epoch 1/2 batch 1/2");
        log.Progress(0.5, "epoch 1/2 batch 2/2");

        text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(2).And.Contain(l => l.EndsWith("info epoch 1/2 batch 2/2"));
    }
}
