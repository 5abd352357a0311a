using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Scoring;
using Newtonsoft.Json.Linq;

namespace DigitForge.HackerNews.Tests;

[Trait("Category", "Unit")]
public sealed class NewsScorerTests(TrainedModel trained) : IClassFixture<TrainedModel>
{
    private static readonly ScoreRequest[] Requests =
    [
        new(2, "a1", "Ask HN: how do you learn rust?", null, new DateTimeOffset(2016, 4, 2, 9, 0, 0, TimeSpan.Zero), "user4"),
        new(3, "b2", "   "),
        new(4, "c3", "A \"quoted\", comma title"),
        new(5, null, null, "https://github.com/x/y"),
    ];

    [Fact]
    public void Every_request_gets_a_prediction_or_an_error_in_input_order()
    {
        var results = NewsScorer.Load(trained.FeaturizerPath, trained.TrainDirectory).Score(Requests).ToList();

        results.Select(r => r.RowNumber).Should().Equal(2, 3, 4, 5);
        results[0].PredictedComments.Should().BeGreaterThan(20);
        results[2].PredictedComments.Should().BePositive("the URL, author and time are optional");
        results[1].Error.Should().Be("row 3: the title is missing");
        results[3].Error.Should().Be("row 5: the title is missing");
        results.Where(r => r.Error is not null).Should().OnlyContain(r => r.PredictedComments == null);
    }

    [Fact]
    public void Scores_match_the_predictor_used_by_evaluation()
    {
        var story = trained.Test[0];
        var scored = NewsScorer.Load(trained.FeaturizerPath, trained.TrainDirectory)
            .Score([new ScoreRequest(1, "x", story.Title, story.Url, story.CreatedAt, story.Author)]).Single();

        scored.PredictedComments.Should().Be(NewsPredictor.Load(trained.FeaturizerPath, trained.TrainDirectory).Predict([Features.SubmittedStory.From(story)])[0]);
    }

    [Fact]
    public void Csv_output_quotes_fields_and_leaves_the_other_column_empty()
    {
        var path = trained.Scratch("scores.csv");
        var summary = ScoreOutput.Write(path, NewsScorer.Load(trained.FeaturizerPath, trained.TrainDirectory).Score(Requests), ScoreFormat.Csv);

        summary.Should().Be(new ScoreSummary(4, 2));
        var lines = File.ReadAllLines(path);
        lines[0].Should().Be("row,id,title,predicted_comments,error");
        lines[1].Should().MatchRegex(@"^2,a1,Ask HN: how do you learn rust\?,\d+\.\d\d,$");
        lines[2].Should().Be("3,b2,   ,,row 3: the title is missing");
        lines[3].Should().MatchRegex(@"^4,c3,""A """"quoted"""", comma title"",\d+\.\d\d,$");
        lines[4].Should().Be("5,,,,row 5: the title is missing");
    }

    [Fact]
    public void Json_lines_output_has_one_object_per_request()
    {
        var path = trained.Scratch("scores.jsonl");
        ScoreOutput.Write(path, NewsScorer.Load(trained.FeaturizerPath, trained.TrainDirectory).Score(Requests), ScoreFormat.JsonLines);

        var objects = File.ReadAllLines(path).Select(JObject.Parse).ToList();
        objects.Should().HaveCount(4);
        objects[0].Properties().Select(p => p.Name).Should().Equal("row", "id", "title", "predicted_comments");
        objects[0].Value<double>("predicted_comments").Should().BePositive();
        objects[1].Properties().Select(p => p.Name).Should().Equal("row", "id", "title", "error");
        objects[1].Value<string>("error").Should().Be("row 3: the title is missing");
        objects[3]["id"]!.Type.Should().Be(JTokenType.Null);
    }
}
