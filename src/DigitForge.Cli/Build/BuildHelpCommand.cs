using System.CommandLine;
using DigitForge.Cli.Commands;
using DigitForge.Engine.Pipelines;

namespace DigitForge.Cli.Build;

/// <summary><c>digitforge build-help</c> (<c>./build.sh --target=Help</c>): the pipeline's stages, the other targets and every argument, from the catalogue.</summary>
public static class BuildHelpCommand
{
    public static Command Create()
    {
        var command = new Command("build-help", "List ./build.sh's targets and arguments.");
        command.SetAction(result => Guarded.Run(() =>
        {
            Console.Write(Text(CommonOptions.Definition(result)));
            return ExitCodes.Success;
        }));
        return command;
    }

    public static string Text(IPipelineDefinition pipeline)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("Usage: ./build.sh [--pipeline=NAME] [--target=TARGET] [--name=value ...]");
        text.AppendLine();
        text.AppendLine($"Stage targets of the {pipeline.Name} pipeline: see --target=Graph (the default target is the last stage).");
        text.AppendLine();
        text.AppendLine("Other targets:");
        foreach (var target in BuildCatalogue.Targets)
        {
            var arguments = target.Arguments.Count == 0 ? string.Empty : " [" + string.Join(" ", target.Arguments.Select(a => "--" + a)) + "]";
            text.AppendLine($"  {target.Name}{arguments}");
            text.AppendLine($"      {target.Description}");
        }

        text.AppendLine();
        text.AppendLine("Arguments:");
        foreach (var argument in BuildCatalogue.Arguments)
        {
            var form = argument.Kind == ArgumentKind.Flag ? $"--{argument.Name}" : $"--{argument.Name}=VALUE";
            text.AppendLine($"  {form,-26} {argument.Help}{(argument.Kind == ArgumentKind.Repeated ? " (repeatable)" : string.Empty)}");
        }

        return text.ToString();
    }
}
