using System.CommandLine;
using DigitForge.Cli.Build;

namespace DigitForge.Cli.Commands;

/// <summary>The verbs of the <c>digitforge</c> CLI.</summary>
public static class CommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("DigitForge: machine-learning pipelines as incremental, reproducible builds.");
        CommonOptions.AddTo(root);
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(SummaryCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(CacheCommand.Create());
        root.Subcommands.Add(GraphCommand.Create());
        root.Subcommands.Add(LockCommand.Create());
        root.Subcommands.Add(BuildPlanCommand.Create());
        root.Subcommands.Add(BuildHelpCommand.Create());
        root.Subcommands.Add(ToolsCommand.Create());
        root.Subcommands.Add(CleanCommand.Create());
        root.Subcommands.Add(ScoreCommand.Create());
        root.Subcommands.Add(ExperimentsCommand.Create());
        root.Subcommands.Add(DashboardCommand.Create());
        root.Subcommands.Add(FeedbackCommand.Create());
        root.Subcommands.Add(OutcomesCommand.Create());
        root.Subcommands.Add(MonitorCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(NewPipelineCommand.Create());
        return root;
    }
}
