using System.CommandLine;
using DigitForge.Cli.Commands;

namespace DigitForge.Cli.Build;

/// <summary><c>digitforge clean</c>: deletes every pipeline's stage outputs and reports and the compiled tools; never a model version or a registry.</summary>
public static class CleanCommand
{
    public static Command Create()
    {
        var command = new Command("clean", "Delete every pipeline's stage outputs and reports, and the compiled tools (never a model or registry).");
        command.SetAction(result => Guarded.Run(() =>
        {
            var root = Path.GetFullPath(result.GetValue(CommonOptions.Root)!);
            var home = Path.GetFullPath(result.GetValue(CommonOptions.Artifacts)!, root);
            var doomed = Directory.Exists(home)
                ? Directory.EnumerateDirectories(home).SelectMany(pipeline => new[] { "stages", "reports" }.Select(part => Path.Combine(pipeline, part))).ToList()
                : [];
            doomed.AddRange(CompiledTools.All.Select(tool => tool.Folder(root)).Append(PrecompiledCake.Folder(root)));
            foreach (var folder in doomed.Where(Directory.Exists))
            {
                Console.WriteLine($"deleting {Path.GetRelativePath(root, folder)}");
                Directory.Delete(folder, recursive: true);
            }

            Console.WriteLine("kept every model version and registry (artifacts/<pipeline>/models)");
            return ExitCodes.Success;
        }));
        return command;
    }
}
