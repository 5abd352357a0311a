using System.CommandLine;
using DigitForge.Cli.Pipelines;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge new-pipeline --name NAME</c>: a compiling, tested C# pipeline from templates/pipeline, registered in
/// the solution, the CLI's project and the pipeline catalogue; all of it written or none (docs/add-a-pipeline.md).
/// </summary>
public static class NewPipelineCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "The pipeline's name, a lower-case identifier: --pipeline=NAME, configs/NAME, src/DigitForge.Name.", Required = true };
        var command = new Command("new-pipeline", "Create a C# pipeline (project, test project, recipes) from templates/pipeline and register it.") { name };
        command.SetAction(result => Guarded.Run(() =>
        {
            var root = Path.GetFullPath(result.GetValue(CommonOptions.Root)!);
            var pipeline = result.GetValue(name)!;
            var change = PipelineScaffold.Plan(root, pipeline);
            change.Commit();
            Console.WriteLine($"created {string.Join(", ", change.NewFolders)}");
            Console.WriteLine($"registered in {string.Join(", ", change.EditedFiles)}");
            Console.WriteLine($"next: ./build.sh --pipeline={pipeline}, then its recipe schema (docs/add-a-pipeline.md)");
            return ExitCodes.Success;
        }));
        return command;
    }
}
