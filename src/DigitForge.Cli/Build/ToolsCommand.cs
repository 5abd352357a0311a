using System.CommandLine;
using DigitForge.Cli.Commands;

namespace DigitForge.Cli.Build;

/// <summary>
/// <c>digitforge tools compile score|serve</c>: compiles a tool when its sources changed;
/// <c>digitforge tools compiled cli --compiler-server NAME</c>: records that the build script has just
/// compiled the CLI (its sources stamp) and stops the compiler server that compile started.
/// </summary>
public static class ToolsCommand
{
    public static Command Create()
    {
        var tool = new Argument<string>("tool") { Description = "score, serve or cli." };
        var compile = new Command("compile", "Compile a tool into build/bin/<tool> when its sources changed.") { tool };
        compile.SetAction(result => Guarded.Run(() =>
        {
            var root = Path.GetFullPath(result.GetValue(CommonOptions.Root)!);
            var compiled = CompiledTools.Find(result.GetValue(tool)!);
            if (compiled.IsUpToDate(root))
            {
                Console.WriteLine($"{compiled.Name} up to date: {Path.GetRelativePath(root, compiled.Assembly(root))}");
                return ExitCodes.Success;
            }

            Console.Error.WriteLine($"Compiling {compiled.Name} (its sources changed)");
            try
            {
                compiled.Compile(root, Console.Error);
            }
            catch (ToolCompileException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.Failure;
            }

            return ExitCodes.Success;
        }));

        var server = new Option<string?>("--compiler-server") { Description = "The compiler server the compile started, to stop." };
        var stamped = new Command("compiled", "Record that a tool was just compiled from the current sources.") { tool, server };
        stamped.SetAction(result => Guarded.Run(() =>
        {
            CompiledTools.Find(result.GetValue(tool)!).WriteStamp(Path.GetFullPath(result.GetValue(CommonOptions.Root)!));
            if (result.GetValue(server) is { } name)
            {
                CompilerServer.Stop(name);
            }

            return ExitCodes.Success;
        }));
        return new Command("tools", "The build's compiled tools.") { compile, stamped };
    }
}
