using System.Runtime.Loader;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;
using Xunit.Abstractions;

namespace DigitForge.Engine.Tests;

/// <summary>
/// A scripted matrix of source edits to a tiny three-stage pipeline and the library it uses, both
/// compiled with Roslyn: after each edit the pipeline is built again on a copy of the baseline's
/// outputs, and the stages that ran are compared with those whose reachable code changed. A false
/// skip (changed code not re-run) and a needless rerun (unchanged code re-run) are both failures.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CodeFingerprintMatrixTests(ITestOutputHelper output) : IDisposable
{
    private const string Library = """
        using System.Collections.Generic;
        using System.Linq;
        namespace TinyLib;

        public static class Numbers
        {
            public static int[] Make(int count) => Enumerable.Range(1, count).Select(i => i * 3).ToArray();

            public static string Describe(int length) => $"length {length}";
        }

        public interface IModel { double Fit(IReadOnlyList<int> values); }

        public sealed class MeanModel : IModel { public double Fit(IReadOnlyList<int> values) => values.Average(); }

        public static class Models { public static IModel Create() => new MeanModel(); }

        public sealed class Summary(string model) { public override string ToString() => $"summary of {model}"; }

        public static class Weights
        {
            public static async System.Threading.Tasks.Task<double> LoadAsync()
            {
                await System.Threading.Tasks.Task.Yield();
                return 1.0;
            }
        }

        public static class Tuning
        {
            public const int Offset = 5;
            public static readonly double Scale = 2.0;
        }
        """;

    private const string Pipeline = """
        using System.Collections.Generic;
        using System.Globalization;
        using System.IO;
        using System.Linq;
        using DigitForge.Engine.Stages;
        namespace TinyPipeline;

        public sealed class IngestStage : IStage
        {
            public string Description => "Makes numbers.";
            public IReadOnlyList<StageDependency> Dependencies => [];
            public StageInputs DescribeInputs() => new(new { count = 5 }, new Dictionary<string, string>(), new Dictionary<string, string>());

            public void Run(StageRunContext context)
            {
                var values = TinyLib.Numbers.Make(5).Select(v => Shift(v) * 1);
                File.WriteAllLines(context.OutputFile("values.txt"), values.Select(v => v.ToString(CultureInfo.InvariantCulture)));

                static int Shift(int v) => v + 1;
            }
        }

        public sealed class TrainStage : IStage
        {
            public string Description => "Fits a model.";
            public IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<IngestStage>("values.txt")];
            public StageInputs DescribeInputs() => new(new { }, new Dictionary<string, string>(), new Dictionary<string, string>());

            public void Run(StageRunContext context)
            {
                var values = File.ReadAllLines(context.UpstreamFile<IngestStage>("values.txt")).Select(int.Parse).ToList();
                var fit = (TinyLib.Models.Create().Fit(values) * TinyLib.Tuning.Scale * TinyLib.Weights.LoadAsync().Result) + TinyLib.Tuning.Offset;
                File.WriteAllText(context.OutputFile("model.txt"), fit.ToString(CultureInfo.InvariantCulture));
            }
        }

        public sealed class ReportStage : IStage
        {
            public string Description => "Writes a report.";
            public IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<TrainStage>("model.txt")];
            public StageInputs DescribeInputs() => new(new { }, new Dictionary<string, string>(), new Dictionary<string, string>());

            public void Run(StageRunContext context)
            {
                var model = File.ReadAllText(context.UpstreamFile<TrainStage>("model.txt"));
                File.WriteAllText(context.OutputFile("report.txt"), ReportText.Render(model) + TinyLib.Numbers.Describe(model.Length) + $"\n{new TinyLib.Summary(model)}");
            }
        }

        internal static class ReportText
        {
            public static string Render(string model) => $"model: {model}\n";
        }
        """;

    private static readonly string[] All = ["Ingest", "Train", "Report"];

    /// <summary>Each edit: where, what is replaced by what, and the stages whose reachable code it changes (with the downstream that reads their outputs).</summary>
    private static readonly (string Edit, string Where, string Before, string After, string[] Expected)[] Edits =
    [
        ("add a class to the pipeline", "pipeline", "internal static class ReportText", "public sealed class Added { public int[] Data = [1, 2]; public int Value() => 4; }\n\ninternal static class ReportText", []),
        ("add a class with an anonymous type before the stages", "pipeline", "public sealed class IngestStage", "public static class Shapes { public static object Of() => new { area = 1 }; }\n\npublic sealed class IngestStage", []),
        ("add a class to the library", "library", "public static class Models", "public static class Added { public static int Value() => 4; }\n\npublic static class Models", []),
        ("edit a library helper Ingest calls", "library", "i * 3", "i * 4", All),
        ("edit a lambda in Ingest", "pipeline", "Shift(v) * 1", "Shift(v) * 2", All),
        ("edit a local function Ingest calls", "pipeline", "v + 1", "v + 2", All),
        ("edit an interface implementation Train calls", "library", "=> values.Average();", "=> values.Average() + 1;", ["Train", "Report"]),
        ("edit a constant Train reads", "library", "Offset = 5", "Offset = 6", ["Train", "Report"]),
        ("edit a static field initialiser Train reads", "library", "Scale = 2.0", "Scale = 3.0", ["Train", "Report"]),
        ("edit an async method Train awaits", "library", "return 1.0;", "return 2.0;", ["Train", "Report"]),
        ("edit a ToString override Report formats", "library", "summary of", "overview of", ["Report"]),
        ("edit comments only", "both", "public sealed class", "// notes\n/* more */\npublic sealed class", []),
        ("edit a class only Report reaches", "pipeline", "$\"model: {model}\\n\"", "$\"fit: {model}\\n\"", ["Report"]),
        ("edit a library method only Report calls", "library", "$\"length {length}\"", "$\"size {length}\"", ["Report"]),
    ];

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Every_edit_re_runs_exactly_the_stages_whose_reachable_code_changed()
    {
        var baseline = Path.Combine(temp.Path, "baseline-stages");
        Build("baseline", Pipeline, Library, baseline).Should().Equal(All, "a first build runs every stage");

        var falseSkips = 0;
        var needless = 0;
        output.WriteLine($"{"edit",-54} {"expected",-22} {"ran",-22} false skips  needless reruns");
        foreach (var (edit, where, before, after, expected) in Edits)
        {
            var pipeline = where is "pipeline" or "both" ? Edited(Pipeline, before, after, edit) : Pipeline;
            var library = where is "library" or "both" ? Edited(Library, before, after, edit) : Library;
            var stages = Path.Combine(temp.Path, $"stages-{Array.FindIndex(Edits, e => e.Edit == edit)}");
            Copy(baseline, stages);

            var ran = Build(edit, pipeline, library, stages);

            var skipped = expected.Except(ran).Count();
            var extra = ran.Except(expected).Count();
            falseSkips += skipped;
            needless += extra;
            output.WriteLine($"{edit,-54} {string.Join(",", expected),-22} {string.Join(",", ran),-22} {skipped,11}  {extra,15}");
        }

        output.WriteLine($"total: {falseSkips} false skips, {needless} needless reruns over {Edits.Length} edits");
        falseSkips.Should().Be(0);
        needless.Should().Be(0);
    }

    /// <summary>Compiles the two sources into a folder of their own, loads them apart from every other build, and runs the pipeline on <paramref name="stages"/>.</summary>
    private List<string> Build(string name, string pipeline, string library, string stages)
    {
        var directory = Path.Combine(temp.Path, $"build-{Guid.NewGuid():N}");
        var libraryPath = TinyCompiler.Compile(directory, "DigitForge.TinyLib", library);
        var pipelinePath = TinyCompiler.Compile(directory, "DigitForge.TinyPipeline", pipeline, [libraryPath, typeof(IStage).Assembly.Location]);
        var context = new AssemblyLoadContext(name, isCollectible: true);
        context.Resolving += (loader, assembly) => assembly.Name == "DigitForge.TinyLib" ? loader.LoadFromAssemblyPath(libraryPath) : null;
        try
        {
            var types = context.LoadFromAssemblyPath(pipelinePath).GetTypes();
            var graph = new StageGraph("tiny", [.. types.Where(t => typeof(IStage).IsAssignableFrom(t)).Select(t => (IStage)Activator.CreateInstance(t)!)], new StageStore(stages));
            var log = new TextStageLog(TextWriter.Null, "tiny");
            return [.. graph.Stages.Select(s => graph.Run(s.Name, force: false, log)).Where(r => r.Ran).Select(r => r.Stage)];
        }
        finally
        {
            context.Unload();
        }
    }

    private static string Edited(string source, string before, string after, string edit)
    {
        source.Should().Contain(before, edit);
        return source.Replace(before, after, StringComparison.Ordinal);
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
