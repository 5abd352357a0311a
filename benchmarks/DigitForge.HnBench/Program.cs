using System.Globalization;
using System.Reflection;
using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Evaluation;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Reporting;
using DigitForge.HackerNews.Stories;

// Usage: DigitForge.HnBench <stories.csv.gz> <output folder> [key=value ...]
// Keys override the default recipe for experiments: any property of FeaturesConfig or NewsTrainConfig
// (trees=400, target=count, center=mean, author=false, ...); splitSeed=N shuffles with another seed
// than 42. Writes train-ids.txt and test-ids.txt (the split the seed's
// Python stack reads), our stage outputs with the report (Report/report.html), and ours.json with
// the figures hn.sh prints.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: DigitForge.HnBench <stories.csv.gz> <output folder> [key=value ...]");
    return 2;
}

var output = Path.GetFullPath(args[1]);
var settings = args.Skip(2).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
var splitSeed = settings.Remove("splitSeed", out var seedText) ? int.Parse(seedText, CultureInfo.InvariantCulture) : 42;
var features = new FeaturesConfig();
var train = new NewsTrainConfig();
const BindingFlags Settable = BindingFlags.IgnoreCase | BindingFlags.Public | BindingFlags.Instance;
foreach (var (key, value) in settings)
{
    object owner = typeof(FeaturesConfig).GetProperty(key, Settable) is not null ? features : train;
    var property = owner.GetType().GetProperty(key, Settable) ?? throw new ArgumentException($"unknown setting {key}");
    var type = property.PropertyType;
    property.SetValue(owner, type.IsEnum ? Enum.Parse(type, value, ignoreCase: true) : Convert.ChangeType(value, type, CultureInfo.InvariantCulture));
}

var stories = StoryFile.Read(args[0]).OrderBy(s => s.Id).ToArray();
// The benchmark's split: a seeded shuffle, the first fifth for testing.
new Random(splitSeed).Shuffle(stories);
var testCount = stories.Length / 5;
IReadOnlyList<Story> test = stories[..testCount], trainSplit = stories[testCount..];
Directory.CreateDirectory(output);
File.WriteAllLines(Path.Combine(output, "train-ids.txt"), trainSplit.Select(s => s.Id.ToString(CultureInfo.InvariantCulture)));
File.WriteAllLines(Path.Combine(output, "test-ids.txt"), test.Select(s => s.Id.ToString(CultureInfo.InvariantCulture)));

var featurizeDir = Path.Combine(output, "Featurize");
var trainDir = Path.Combine(output, "Train");
var clock = System.Diagnostics.Stopwatch.StartNew();
var summary = Featurizer.Fit(trainSplit, features, featurizeDir);
var featurizeSeconds = clock.Elapsed.TotalSeconds;
var record = NewsTrainer.Train(trainSplit, Path.Combine(featurizeDir, Featurizer.ModelFile), train, trainDir);
var metrics = NewsEvaluator.Evaluate(trainSplit, test, Path.Combine(featurizeDir, Featurizer.ModelFile), trainDir, Path.Combine(output, "Evaluate"));
NewsReport.Write(Path.Combine(output, "Evaluate"), trainDir, decision: null, pipelinePicture: string.Empty, Path.Combine(output, "Report"), DateTimeOffset.UtcNow);

JsonFile.Write(Path.Combine(output, "ours.json"), new
{
    trainStories = trainSplit.Count,
    testStories = test.Count,
    features = summary.FeatureCount,
    featurizeSeconds = Math.Round(featurizeSeconds, 2),
    trainSeconds = record.Seconds,
    trainCpuSeconds = record.CpuSeconds,
    recipe = new { features, train },
    model = metrics.Model.Count,
    meanBaseline = metrics.MeanBaseline,
    medianBaseline = metrics.MedianBaseline,
});
Console.Write(File.ReadAllText(Path.Combine(output, "Evaluate", NewsEvaluator.TextFile)));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"features {summary.FeatureCount} ({string.Join(", ", summary.Groups.Select(g => $"{g.Name} {g.Slots}"))}); featurize {featurizeSeconds:0.0} s, train {record.Seconds:0.0} s wall, {record.CpuSeconds:0.0} s CPU"));
return 0;
