using System.CommandLine;
using System.Globalization;
using DigitForge.Engine.Caching;
using DigitForge.Engine.Config;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.History;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Storage;
using DigitForge.Engine.Sweeps;
using DigitForge.Remote;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace DigitForge.Cli.Commands;

/// <summary>
/// A sweep whose members build on many machines (a Kubernetes Indexed Job, one pod per member): the
/// plan and every member's run record go through the remote (<c>DIGITFORGE_REMOTE</c>), beside the
/// stage outputs the members share, and <c>experiments --sweep</c> merges the records into the
/// local history.
/// </summary>
public static class SweepRemote
{
    /// <summary>The pod's index in a Kubernetes Indexed Job: the member it builds when <c>--member</c> is not given.</summary>
    public const string IndexVariable = "JOB_COMPLETION_INDEX";

    /// <summary><c>sweep --plan-only</c>: writes the plan, uploads it when a remote is set, and says how to build it.</summary>
    public static int PlanOnly(ParseResult result, SweepPlan plan)
    {
        RefusePruning(plan, "--plan-only");
        var runner = SweepRunner.For(result, plan);
        runner.WritePlan(atATime: false);
        if (RemoteCacheSettings.FromEnvironment() is { } remote)
        {
            remote.PutDocument(SweepMemberRecord.PlanDocument(plan.Id), JsonConvert.SerializeObject(plan, JsonFile.Settings));
            Console.WriteLine($"uploaded to {remote.Name} as {SweepMemberRecord.PlanDocument(plan.Id)}");
        }

        Console.WriteLine($"build it with completions: {plan.Members.Count.ToString(CultureInfo.InvariantCulture)} and SWEEP_ID={plan.Id} (deploy/kubernetes/sweep-job.yaml), or member by member: digitforge sweep --plan={plan.Id} --member=INDEX (0 to {(plan.Members.Count - 1).ToString(CultureInfo.InvariantCulture)})");
        return ExitCodes.Success;
    }

    /// <summary>
    /// <c>sweep --plan=PLAN --member=INDEX</c>: builds exactly that member as an ordinary build and
    /// leaves its run record in the remote, replacing the record of an earlier attempt. A member the
    /// remote has as done is not built again (a restarted pod).
    /// </summary>
    public static int BuildMember(ParseResult result, string planned, int? index)
    {
        var remote = RemoteCacheSettings.FromEnvironment()
            ?? throw new ConfigException($"--plan: a member built on its own shares its stage outputs and run record through the remote; set {RemoteCacheSettings.RemoteVariable}");
        var plan = ReadPlan(planned, remote);
        RefusePruning(plan, "--member");
        var member = plan.Members[Index(plan, index)];

        var definition = PipelineCatalog.Find(plan.Pipeline, result.GetValue(CommonOptions.Root));
        var paths = PipelinePaths.Resolve(result.GetValue(CommonOptions.Root)!, result.GetValue(CommonOptions.Artifacts)!, definition.Name);
        var configFile = Path.GetFullPath(plan.Config, paths.Root);
        var content = File.Exists(configFile) ? ContentHash.OfText(File.ReadAllText(configFile)) : null;
        if (content is null || (plan.Recipe is { } recipe && content != recipe))
        {
            throw new ConfigException($"{configFile}: {(content is null ? "missing" : $"content {content}")}; sweep {plan.Id} was planned with the recipe of content {plan.Recipe}");
        }

        var runner = new SweepRunner(definition, paths, configFile, plan);
        if (Recorded(remote, plan, member, definition) is { } state)
        {
            Console.WriteLine($"{member.Name}: already {state} in {remote.Name}; nothing to build");
            return ExitCodes.Success;
        }

        runner.WritePlan(atATime: false);
        var (run, exit) = runner.BuildMember(member);
        var warnings = new List<string>();
        var lines = runner.History.ReadLines(warnings).Where(l => l.Run == run).ToList();
        var configs = new Dictionary<string, JToken>(StringComparer.Ordinal);
        foreach (var hash in lines.Select(l => l.ConfigHash).Distinct(StringComparer.Ordinal))
        {
            if (runner.History.ReadConfig(hash, warnings) is { } config)
            {
                configs[hash] = config;
            }
        }

        foreach (var warning in warnings)
        {
            Console.Error.WriteLine($"warning: {warning}");
        }

        var record = new SweepMemberRecord { Sweep = plan.Id, Member = member.Name, Lines = lines, Configs = configs };
        remote.PutDocument(SweepMemberRecord.Document(plan.Id, member.Name), JsonConvert.SerializeObject(record, JsonFile.Settings));
        Console.WriteLine($"{member.Name}: run {run} recorded in {remote.Name} as {SweepMemberRecord.Document(plan.Id, member.Name)}");
        return exit;
    }

    /// <summary>
    /// The plan of sweep <paramref name="id"/> from the remote (written to <paramref name="planFile"/>) when the
    /// local folder lacks it, and every member record the remote has merged into the history: a run
    /// already there is not added again. A remote that cannot be reached is a warning: the local
    /// history is used.
    /// </summary>
    public static void Merge(string id, string planFile, RunHistory history, TextWriter warnings)
    {
        IRemoteCache? remote;
        try
        {
            remote = RemoteCacheSettings.FromEnvironment();
            if (remote is null)
            {
                return;
            }

            if (!File.Exists(planFile) && remote.GetDocument(SweepMemberRecord.PlanDocument(id)) is { } text)
            {
                AtomicFile.WriteAllText(planFile, text);
            }

            var merged = 0;
            foreach (var name in remote.ListDocuments(SweepMemberRecord.MembersPrefix(id)))
            {
                if (remote.GetDocument(name) is { } document && JsonFile.Parse<SweepMemberRecord>(document, $"{remote.Name}/{name}") is { Lines.Count: > 0 } record && history.Import(record.Lines, record.Configs))
                {
                    merged++;
                }
            }

            if (merged > 0)
            {
                warnings.WriteLine($"merged {merged.ToString(CultureInfo.InvariantCulture)} member runs of sweep {id} from {remote.Name} into {history.FilePath}");
            }
        }
        catch (RemoteCacheException ex)
        {
            warnings.WriteLine($"warning: {ex.Message}; members built elsewhere are not merged, the local history is used");
        }
    }

    private static SweepPlan ReadPlan(string planned, IRemoteCache remote)
    {
        if (File.Exists(planned))
        {
            return SweepPlan.Read(planned);
        }

        if (!RunId.IsValid(planned) || remote.GetDocument(SweepMemberRecord.PlanDocument(planned)) is not { } text)
        {
            throw new ConfigException($"--plan={planned}: neither a plan file nor a sweep whose plan {remote.Name} holds (as {SweepMemberRecord.PlanDocument(planned)}); write it with sweep --plan-only");
        }

        return JsonFile.Parse<SweepPlan>(text, $"{remote.Name}/{SweepMemberRecord.PlanDocument(planned)}");
    }

    private static int Index(SweepPlan plan, int? given)
    {
        var text = given?.ToString(CultureInfo.InvariantCulture) ?? Environment.GetEnvironmentVariable(IndexVariable);
        var name = given is null ? IndexVariable : "--member";
        if (text is null)
        {
            throw new ConfigException($"--plan: which member? give --member=INDEX or set {IndexVariable} (0 to {plan.Members.Count - 1})");
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= plan.Members.Count)
        {
            throw new ConfigException($"{name}={text}: sweep {plan.Id} has {plan.Members.Count} members, numbered 0 to {plan.Members.Count - 1}; the Job's completions must be {plan.Members.Count}");
        }

        return index;
    }

    // The median needs every member's figures on one board; across machines there is none.
    private static void RefusePruning(SweepPlan plan, string option)
    {
        if (plan.Prune != PruneRule.None)
        {
            throw new ConfigException($"{option}: sweep {plan.Id} prunes by the median, which needs every member on one machine; plan a sweep for many machines without --prune");
        }
    }

    /// <summary>The member's state in the remote when it needs no building: done or pruned.</summary>
    private static string? Recorded(IRemoteCache remote, SweepPlan plan, SweepMember member, IPipelineDefinition definition)
    {
        var name = SweepMemberRecord.Document(plan.Id, member.Name);
        if (remote.GetDocument(name) is not { } document || JsonFile.Parse<SweepMemberRecord>(document, $"{remote.Name}/{name}") is not { Lines.Count: > 0 } record)
        {
            return null;
        }

        var row = SweepResults.Rows(plan, RunRecord.Assemble(record.Lines), definition.HeadlineMetric).Single(r => r.Member.Name == member.Name);
        return SweepResults.Settled(row) ? row.State : null;
    }
}
