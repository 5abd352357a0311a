using DigitForge.Monitoring.Feedback;
using DigitForge.Monitoring.Store;

namespace DigitForge.Monitoring.Tests;

[Trait("Category", "Unit")]
public sealed class LabelFeedbackTests : IDisposable
{
    private static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    private readonly TempDirectory temp = new();

    [Fact]
    public void A_csv_is_joined_by_path_and_unknown_duplicate_and_foreign_labels_are_counted()
    {
        using var store = SqliteMonitorStore.Open(temp.File("monitor.db"));
        var a = Scored("incoming/a.png", [1]);
        var b = Scored("incoming/b.png", [2]);
        store.Append([Logged(a, [1]), Logged(b, [2]), Logged("scans/0001", [3])]);
        File.WriteAllText(temp.File("labels.csv"), "path,label\nincoming/a.png,7\nincoming/b.png,x\nincoming/a.png,1\nincoming/missing.png,3\nscans/0001,4\n");

        var report = LabelFeedback.Record(store, "mnist", Digits, LabelFeedback.Read(temp.File("labels.csv")), "feedback labels.csv", DateTimeOffset.UnixEpoch);

        store.Outcomes("mnist").ToDictionary(o => o.Key, o => o.Value.Label).Should().BeEquivalentTo(new Dictionary<string, string?> { [a] = "7", ["scans/0001"] = "4" });
        (report.Given, report.Recorded).Should().Be((5, 2));
        report.Refused.Should().BeEquivalentTo(new Dictionary<string, int> { ["label outside the classes"] = 1, ["duplicate"] = 1, ["unknown id (never predicted)"] = 1 });
        report.Lines("feedback").Should().Equal(
            "feedback: 5 given, 2 recorded, 3 not recorded",
            "  duplicate: 1 (labels.csv line 4: " + a + " labelled again, 1 after 7; the first label is kept)",
            "  label outside the classes: 1 (labels.csv line 3: 'x')",
            "  unknown id (never predicted): 1 (labels.csv line 5: incoming/missing.png)");
    }

    [Fact]
    public void A_folder_of_label_sub_folders_is_joined_by_content_when_the_files_moved()
    {
        using var store = SqliteMonitorStore.Open(temp.File("monitor.db"));
        store.Append([Logged(Scored("day1/x.png", [5, 5]), [5, 5]), Logged(Scored("day1/y.png", [6]), [6])]);
        Scored("sorted/3/x-copy.png", [5, 5]);
        Scored("sorted/8/y.png", [6]);
        Scored("sorted/8/never-scored.png", [9]);

        var report = LabelFeedback.Record(store, "mnist", Digits, LabelFeedback.Read(temp.File("sorted")), "feedback sorted", DateTimeOffset.UnixEpoch);

        store.Outcomes("mnist").ToDictionary(o => o.Key, o => o.Value.Label).Should().BeEquivalentTo(new Dictionary<string, string?>
        {
            [temp.File("day1/x.png")] = "3",
            [temp.File("day1/y.png")] = "8",
        });
        report.Refused.Should().BeEquivalentTo(new Dictionary<string, int> { ["unknown id (never predicted)"] = 1 });
    }

    [Fact]
    public void A_regression_takes_numbers_as_its_labels_and_counts_the_rest()
    {
        using var store = SqliteMonitorStore.Open(temp.File("monitor.db"));
        store.Append([Logged("41000000", [1]) with { Pipeline = "hn" }, Logged("41000013", [2]) with { Pipeline = "hn" }]);
        File.WriteAllText(temp.File("counts.csv"), "41000000,120\n41000013,many\n");

        var report = LabelFeedback.Record(store, "hn", [], LabelFeedback.Read(temp.File("counts.csv")), "feedback counts.csv", DateTimeOffset.UnixEpoch);

        store.Outcomes("hn").Values.Select(o => (o.Id, o.Label, o.Value)).Should().Equal(("41000000", (string?)null, (double?)120));
        report.Refused.Should().BeEquivalentTo(new Dictionary<string, int> { ["value not a number"] = 1 });
    }

    public void Dispose() => temp.Dispose();

    private string Scored(string relative, byte[] content)
    {
        var path = temp.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static PredictionRecord Logged(string id, byte[] content) => new(id, DateTimeOffset.UnixEpoch, "mnist", "v0001-abcdef0", "fp32", PredictionRecord.HashOf(content), "1", 0.9, null, "score");
}
