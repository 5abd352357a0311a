using System.Text.RegularExpressions;
using DigitForge.Cli.Build;
using YamlDotNet.RepresentationModel;

namespace DigitForge.Build.Tests;

/// <summary>
/// .github/workflows/pipeline.yml names what exists (the build's targets and arguments, the pipeline's
/// stages, the CLI's commands, the stage files it reads) and never promotes from a pull request.
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class WorkflowTests
{
    private static readonly string Root = Tools.RepoRoot;
    private static readonly YamlMappingNode Workflow = Load();

    /// <summary>The MNIST pipeline's stages, in declaration order (the Cake task of each).</summary>
    private static readonly List<string> Stages = [.. StageDeclaration().Matches(File.ReadAllText(Path.Combine(Root, "src", "DigitForge.Mnist", "MnistPipeline.cs"))).Select(m => m.Groups[1].Value)];

    [Fact]
    public void BuildCommands_NameTargetsAndArgumentsTheBuildKnows()
    {
        var tasks = BuildCatalogue.Targets.Select(t => t.Name).Concat(Stages).ToHashSet();
        var arguments = BuildCatalogue.Arguments.Select(a => a.Name).ToHashSet();
        var invocations = Steps().SelectMany(s => BuildInvocations(s.Run)).ToList();

        invocations.Should().NotBeEmpty();
        arguments.Should().Contain("target");
        foreach (var invocation in invocations)
        {
            Argument(invocation, "target").Should().BeOneOf(tasks, invocation);
            Switch().Matches(invocation).Select(m => m.Groups[1].Value).Should().BeSubsetOf(arguments, invocation);
        }
    }

    [Fact]
    public void CliCommands_AndTheStageFilesRead_Exist()
    {
        var cli = string.Join('\n', Directory.GetFiles(Path.Combine(Root, "src", "DigitForge.Cli"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
        var commands = CliCall().Matches(string.Join('\n', Steps().Select(s => s.Run))).ToList();
        commands.Should().NotBeEmpty();
        foreach (var call in commands.SelectMany(c => c.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            cli.Should().Contain($"new Command(\"{call}\"", "the workflow runs `digitforge ... {0}`", call);
        }

        var sources = string.Join('\n', Directory.GetFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
        var read = StageFile().Matches(File.ReadAllText(WorkflowPath)).ToList();
        read.Should().NotBeEmpty();
        foreach (var file in read)
        {
            Stages.Should().Contain(file.Groups[1].Value);
            sources.Should().Contain($"\"{file.Groups[2].Value}\"", "a stage or the build writes {0}", file.Value);
        }
    }

    [Fact]
    public void NoJobThatRunsOnPullRequests_Promotes_OrReachesTheRegistry()
    {
        var promoting = Stages.Skip(Stages.IndexOf("Promote")).ToList();
        promoting.Should().Contain(["Promote", "Report"]);
        var jobs = Map(Workflow, "jobs").Children.ToDictionary(j => ((YamlScalarNode)j.Key).Value!, j => (YamlMappingNode)j.Value);
        var onPullRequests = jobs.Where(j => !ExcludesPullRequests(j.Value)).ToList();
        onPullRequests.Should().NotBeEmpty("pull requests are still tested and evaluated");

        foreach (var (name, job) in onPullRequests)
        {
            foreach (var step in JobSteps(job))
            {
                foreach (var invocation in BuildInvocations(step))
                {
                    promoting.Should().NotContain(Argument(invocation, "target"), $"job {name} runs on pull requests ({invocation})");
                    invocation.Should().NotContain("--force");
                }

                step.Should().NotMatchRegex(@"digitforge\.dll models (promote|rollback|delete)", $"job {name} runs on pull requests");
            }

            Env(job).Should().NotContainKey("DIGITFORGE_REGISTRY", $"job {name} runs on pull requests");
        }

        jobs.Values.Where(ExcludesPullRequests).SelectMany(JobSteps).SelectMany(BuildInvocations)
            .Select(i => Argument(i, "target")).Should().Contain("Report", "the other triggers do retrain and promote");
    }

    [Fact]
    public void Retraining_IsTriggeredByMainTheScheduleAndADriftSignal_AndTheRegistryIsNotInActionsCache()
    {
        var on = Map(Workflow, "on");
        on.Children.Keys.Select(k => ((YamlScalarNode)k).Value).Should().Contain(["push", "pull_request", "schedule", "workflow_dispatch", "repository_dispatch"]);
        ((YamlSequenceNode)Map(on, "repository_dispatch").Children[new YamlScalarNode("types")]).Children.Select(t => ((YamlScalarNode)t).Value).Should().Contain("drift-detected");

        var cached = Map(Workflow, "jobs").Children.Values.Cast<YamlMappingNode>().SelectMany(AllSteps)
            .Where(s => Text(s, "uses")?.StartsWith("actions/cache", StringComparison.Ordinal) == true)
            .Select(s => Text(Map(s, "with"), "path")!)
            .ToList();
        cached.Should().NotBeEmpty().And.OnlyContain(path => !path.Contains("models", StringComparison.Ordinal), "the registry lives in the remote store");
        File.ReadAllText(WorkflowPath).Should().Contain("$GITHUB_STEP_SUMMARY").And.Contain("id-token: write");
    }

    [Fact]
    public void Monitor_RunsOnItsOwnDailySchedule_AndDispatchesDriftDetected_WhichRetrainsOnlyThroughAPullRequest()
    {
        var crons = ((YamlSequenceNode)Map(Workflow, "on").Children[new YamlScalarNode("schedule")]).Children.Cast<YamlMappingNode>().Select(c => Text(c, "cron")!).ToList();
        var daily = crons.Should().ContainSingle(c => c.EndsWith("* * *", StringComparison.Ordinal)).Subject;
        var jobs = Map(Workflow, "jobs");

        Text(Map(jobs, "monitor"), "if").Should().Contain($"github.event.schedule == '{daily}'");
        Text(Map(jobs, "retrain"), "if").Should().Contain($"github.event.schedule != '{daily}'", "the daily run only monitors")
            .And.Contain("github.event_name != 'repository_dispatch'", "a breach's dispatch changes the data through a pull request; retraining on the same data would skip every stage");
        JobSteps(Map(jobs, "monitor")).SelectMany(BuildInvocations).Should().Contain(invocation => Argument(invocation, "target") == "Monitor"
            && invocation.Contains("--notify=\"https://api.github.com/repos/${{ github.repository }}/dispatches\"", StringComparison.Ordinal));
    }

    [Fact]
    public void DriftDetected_ExportsPushesAndNamesTheSnapshot_InAPullRequest_WhoseMergeRetrainsOnIt()
    {
        var jobs = Map(Workflow, "jobs");
        var feedback = Map(jobs, "feedback");
        Text(feedback, "if").Should().Be("github.event_name == 'repository_dispatch' && github.event.action == 'drift-detected'");
        Env(feedback)["PIPELINE"].Should().Contain("github.event.client_payload.pipeline", "the alert names the pipeline (DispatchNotifier)");
        Env(feedback).Should().ContainKeys("DIGITFORGE_REMOTE", "DIGITFORGE_MONITOR");
        Map(feedback, "permissions").Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value)
            .Should().Contain("contents", "write").And.Contain("pull-requests", "write");

        JobSteps(feedback).SelectMany(BuildInvocations).Select(i => Argument(i, "target")).Should().Equal("ExportFeedback", "PushFeedback", "AddFeedback");
        var pullRequest = AllSteps(feedback).Last();
        Text(pullRequest, "uses").Should().StartWith("peter-evans/create-pull-request@");
        Text(Map(pullRequest, "with"), "add-paths").Should().Be("configs/${{ env.PIPELINE }}/default.json", "the pull request changes the recipe only");
        JobSteps(feedback).Should().Contain(run => run.Contains("client_payload", StringComparison.Ordinal) || run.Contains("BREACHES", StringComparison.Ordinal), "its description names the breach");

        var retrain = JobSteps(Map(jobs, "retrain")).SelectMany(BuildInvocations).Select(i => Argument(i, "target")).ToList();
        retrain.Should().Contain("PullFeedback");
        retrain.IndexOf("PullFeedback").Should().BeLessThan(retrain.IndexOf("Report"), "the snapshot the merged recipe names must be here before the build reads it");
    }

    private static string WorkflowPath => Path.Combine(Root, ".github", "workflows", "pipeline.yml");

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(WorkflowPath);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static bool ExcludesPullRequests(YamlMappingNode job) =>
        Text(job, "if")?.Replace(" ", string.Empty, StringComparison.Ordinal).Contains("github.event_name!='pull_request'", StringComparison.Ordinal) == true;

    private static IEnumerable<(string Job, string Run)> Steps() =>
        Map(Workflow, "jobs").Children.SelectMany(j => JobSteps((YamlMappingNode)j.Value).Select(run => (((YamlScalarNode)j.Key).Value!, run)));

    private static IEnumerable<YamlMappingNode> AllSteps(YamlMappingNode job) =>
        ((YamlSequenceNode)job.Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>();

    private static IEnumerable<string> JobSteps(YamlMappingNode job) => AllSteps(job).Select(s => Text(s, "run")).OfType<string>();

    private static Dictionary<string, string> Env(YamlMappingNode job) =>
        job.Children.TryGetValue(new YamlScalarNode("env"), out var env)
            ? ((YamlMappingNode)env).Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value!)
            : [];

    private static IEnumerable<string> BuildInvocations(string run) => BuildCall().Matches(run).Select(m => m.Value);

    /// <summary>The value of --name=value; the default target (the last stage) when not given.</summary>
    private static string Argument(string invocation, string name) =>
        Regex.Match(invocation, $@"--{name}=(\S+)") is { Success: true } match ? match.Groups[1].Value : Stages[^1];

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    [GeneratedRegex(@"\./build\.sh[^\n;|&]*")]
    private static partial Regex BuildCall();

    [GeneratedRegex(@"(?<=\s)--([a-z][a-z-]*)")]
    private static partial Regex Switch();

    [GeneratedRegex(@"new (\w+)Stage\(")]
    private static partial Regex StageDeclaration();

    [GeneratedRegex(@"build/bin/cli/digitforge\.dll ([a-z ]+)")]
    private static partial Regex CliCall();

    [GeneratedRegex(@"artifacts/mnist/stages/(\w+)/([\w.-]+)")]
    private static partial Regex StageFile();
}
