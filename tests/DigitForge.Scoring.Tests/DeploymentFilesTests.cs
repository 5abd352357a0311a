using System.CommandLine;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DigitForge.ScoreTool;
using YamlDotNet.RepresentationModel;

namespace DigitForge.Scoring.Tests;

/// <summary>
/// deploy/kubernetes and deploy/docker name what exists: the tools' published DLLs, the options of
/// their command lines, the service's health paths and port, and the projects they publish. The base
/// images cannot be pulled here, so this is what is checked without building them.
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class DeploymentFilesTests
{
    private static readonly string Root = TestData.RepoRoot();
    private static readonly string Kubernetes = Path.Combine(Root, "deploy", "kubernetes");
    private static readonly string Docker = Path.Combine(Root, "deploy", "docker");

    [Fact]
    public void ScoringJob_IsIndexed_AndRunsEveryShardOfTheToolWithItsOptions()
    {
        var job = Document("score-job.yaml", "Job");
        var spec = Map(job, "spec");
        Text(spec, "completionMode").Should().Be("Indexed");
        var shards = int.Parse(Text(spec, "completions"), System.Globalization.CultureInfo.InvariantCulture);
        Text(spec, "parallelism").Should().Be(shards.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var container = Container(job);
        Env(container, "SHARDS").Should().Be(shards.ToString(System.Globalization.CultureInfo.InvariantCulture), "--shard i/SHARDS must split into as many shards as the job has indexes");

        var script = List(container, "args").Single();
        script.Should().Contain("--shard $((JOB_COMPLETION_INDEX + 1))/$SHARDS", "indexes are 0-based, --shard is 1-based");
        Dll(script).Should().Be(AssemblyName("DigitForge.ScoreTool"));
        OptionsIn(script).Should().BeSubsetOf(Names(ScoreCommand.Create()));
        OptionValue(script, "--out").Should().StartWith(PartsFolder + "/");
        ClaimsAreDeclared(job);
    }

    [Fact]
    public void MergeJob_MergesThePartsTheScoringJobWrites()
    {
        var job = Document("merge-job.yaml", "Job");
        var args = List(Container(job), "args");
        var merge = ScoreCommand.Create().Subcommands.Single(c => c.Name == args[0]);

        args.Skip(1).Where(a => a.StartsWith('-')).Should().BeSubsetOf(Names(merge));
        args[1].Should().Be(PartsFolder);
        Text(Container(job), "image").Should().Be(Text(Container(Document("score-job.yaml", "Job")), "image"));
        ClaimsAreDeclared(job);
    }

    [Fact]
    public void ServeDeployment_ProbesTheServicesHealthPaths_OnThePortItListensOn()
    {
        var deployment = Document("serve.yaml", "Deployment");
        var container = Container(deployment);
        var args = List(container, "args");
        args.Where(a => a.StartsWith('-')).Should().BeSubsetOf(ServeOptions());
        var port = Text(Map((YamlSequenceNode)container.Children[new YamlScalarNode("ports")], 0), "containerPort");
        args[args.IndexOf("--urls") + 1].Should().Be($"http://0.0.0.0:{port}");
        var routes = ServeRoutes();
        Text(Map(Map(container, "readinessProbe"), "httpGet"), "path").Should().Be("/readyz").And.BeOneOf(routes);
        Text(Map(Map(container, "livenessProbe"), "httpGet"), "path").Should().Be("/healthz").And.BeOneOf(routes);
        var service = Document("serve.yaml", "Service");
        Text(Map((YamlSequenceNode)Map(service, "spec").Children[new YamlScalarNode("ports")], 0), "targetPort").Should().Be("http");
        ClaimsAreDeclared(deployment);
    }

    [Theory]
    [InlineData("score.Dockerfile", "DigitForge.ScoreTool", "mcr.microsoft.com/dotnet/runtime:10.0")]
    [InlineData("serve.Dockerfile", "DigitForge.Serve", "mcr.microsoft.com/dotnet/aspnet:10.0")]
    public void Dockerfile_PublishesTheProject_OnTheRuntimeImage_AsANonRootUser(string file, string project, string runtimeImage)
    {
        var lines = File.ReadAllLines(Path.Combine(Docker, file));
        var publish = PublishPath().Match(string.Join('\n', lines));
        publish.Success.Should().BeTrue();
        File.Exists(Path.Combine(Root, publish.Groups[1].Value)).Should().BeTrue(publish.Groups[1].Value);
        publish.Groups[1].Value.Should().Be($"src/{project}/{project}.csproj");

        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        stages[^1].Should().Be($"FROM {runtimeImage}", "the image runs on the runtime alone, no SDK");
        var final = lines.SkipWhile(l => l != stages[^1]).ToList();
        final.Should().Contain("USER $APP_UID", "the .NET images' non-root user");
        final.Should().ContainSingle(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal))
            .Which.Should().Be($"ENTRYPOINT [\"dotnet\", \"/app/{AssemblyName(project)}.dll\"]");
        lines.Should().Contain(l => l.Contains("-iname '*torch*'", StringComparison.Ordinal), "the build fails if TorchSharp reaches the image");
        var cmd = final.SingleOrDefault(l => l.StartsWith("CMD ", StringComparison.Ordinal));
        if (cmd is not null)
        {
            Quoted().Matches(cmd).Select(m => m.Groups[1].Value).Where(a => a.StartsWith('-')).Should().BeSubsetOf(ServeOptions());
        }
    }

    private const string PartsFolder = "/data/results/parts";

    private static IEnumerable<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Kubernetes, file));
        stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode);
    }

    private static YamlMappingNode Document(string file, string kind) => Documents(file).Single(d => Text(d, "kind") == kind);

    private static YamlMappingNode Container(YamlMappingNode workload) =>
        Map((YamlSequenceNode)Map(Map(Map(workload, "spec"), "template"), "spec").Children[new YamlScalarNode("containers")], 0);

    private static void ClaimsAreDeclared(YamlMappingNode workload)
    {
        var declared = Documents("storage.yaml").Where(d => Text(d, "kind") == "PersistentVolumeClaim").Select(d => Text(Map(d, "metadata"), "name")).ToList();
        var volumes = (YamlSequenceNode)Map(Map(Map(workload, "spec"), "template"), "spec").Children[new YamlScalarNode("volumes")];
        volumes.Children.Select(v => Text(Map((YamlMappingNode)v, "persistentVolumeClaim"), "claimName")).Should().OnlyContain(claim => declared.Contains(claim));
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static YamlMappingNode Map(YamlSequenceNode node, int index) => (YamlMappingNode)node.Children[index];

    private static string Text(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;

    private static List<string> List(YamlMappingNode node, string key) =>
        [.. ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children.Select(c => ((YamlScalarNode)c).Value!)];

    private static string Env(YamlMappingNode container, string name) =>
        Text(((YamlSequenceNode)container.Children[new YamlScalarNode("env")]).Children.Cast<YamlMappingNode>().Single(e => Text(e, "name") == name), "value");

    private static string Dll(string script) => DllName().Match(script).Groups[1].Value;

    private static List<string> OptionsIn(string script) => [.. OptionName().Matches(script).Select(m => m.Value)];

    private static string OptionValue(string script, string option) => Regex.Match(script, Regex.Escape(option) + @"\s+(\S+)").Groups[1].Value;

    private static HashSet<string> Names(Command command) => [.. command.Options.SelectMany(o => o.Aliases.Prepend(o.Name))];

    private static string AssemblyName(string project) =>
        XDocument.Load(Path.Combine(Root, "src", project, $"{project}.csproj")).Descendants("AssemblyName").Single().Value;

    /// <summary>digitforge-serve's options, read from its command definition's source (the service's project is not referenced here).</summary>
    private static HashSet<string> ServeOptions() =>
        [.. QuotedOption().Matches(File.ReadAllText(Path.Combine(Root, "src", "DigitForge.Serve", "ServeCommand.cs"))).Select(m => m.Groups[1].Value)];

    private static List<string> ServeRoutes() =>
        [.. MapGet().Matches(File.ReadAllText(Path.Combine(Root, "src", "DigitForge.Serve", "ServeApp.cs"))).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"dotnet\s+/app/([\w.-]+)\.dll")]
    private static partial Regex DllName();

    [GeneratedRegex(@"(?<=\s)--[a-z][a-z-]*")]
    private static partial Regex OptionName();

    [GeneratedRegex(@"""(--[a-z][a-z-]*)""")]
    private static partial Regex QuotedOption();

    [GeneratedRegex(@"app\.MapGet\(""(/[^""]*)""")]
    private static partial Regex MapGet();

    [GeneratedRegex(@"dotnet publish (\S+\.csproj)")]
    private static partial Regex PublishPath();

    [GeneratedRegex(@"""([^""]*)""")]
    private static partial Regex Quoted();
}
