using System.Globalization;
using DigitForge.Cli.Build;
using DigitForge.Cli.Commands;
using DigitForge.Remote;
using YamlDotNet.RepresentationModel;

namespace DigitForge.Cli.Tests;

/// <summary>
/// deploy/kubernetes/sweep-job.yaml runs what the CLI accepts: its command line, with the Job's
/// variables put in, parses with the CLI's own parser as <c>sweep --plan</c> of the sweep it names,
/// and each index builds one member against the remote.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SweepJobTests
{
    [Fact]
    public void The_job_builds_one_member_per_index_with_options_the_cli_accepts()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(CommandsMatrixTests.FindRoot(), "deploy", "kubernetes", "sweep-job.yaml")))
        {
            stream.Load(reader);
        }

        var job = (YamlMappingNode)stream.Documents.Single().RootNode;
        var spec = Map(job, "spec");
        Text(spec, "completionMode").Should().Be("Indexed", "JOB_COMPLETION_INDEX picks the member");
        Text(spec, "parallelism").Should().Be(Text(spec, "completions"));
        var container = (YamlMappingNode)((YamlSequenceNode)Map(Map(spec, "template"), "spec").Children[new YamlScalarNode("containers")]).Children[0];
        var env = ((YamlSequenceNode)container.Children[new YamlScalarNode("env")]).Children.Cast<YamlMappingNode>()
            .ToDictionary(e => Text(e, "name"), e => e.Children.TryGetValue(new YamlScalarNode("value"), out var v) ? ((YamlScalarNode)v).Value! : "(from a secret)");
        env.Should().ContainKeys(RemoteCacheSettings.RemoteVariable, RemoteCacheSettings.ConnectionStringVariable);
        env.Should().NotContainKey(SweepRemote.IndexVariable, "Kubernetes sets it for each index");

        var script = ((YamlSequenceNode)container.Children[new YamlScalarNode("args")]).Children.Cast<YamlScalarNode>().Single().Value!;
        var words = env.Aggregate(script, (s, e) => s.Replace("$" + e.Key, e.Value, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        words.Should().StartWith(["exec", "dotnet"]);
        words[2].Should().Be(CompiledTools.Cli.Assembly(words[Array.IndexOf(words, "--root") + 1]), "the CLI the build compiles, in the repository the pod builds in");

        var parsed = CommandLine.Build().Parse(words[3..]);
        parsed.Errors.Should().BeEmpty(string.Join(" ", words[3..]));
        parsed.CommandResult.Command.Name.Should().Be("sweep");
        parsed.GetValue<string?>("--plan").Should().Be(env["SWEEP_ID"]);
        parsed.GetValue<int?>("--member").Should().BeNull("each pod's member is its JOB_COMPLETION_INDEX");
        int.Parse(Text(spec, "completions"), CultureInfo.InvariantCulture).Should().BePositive();
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string Text(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;
}
