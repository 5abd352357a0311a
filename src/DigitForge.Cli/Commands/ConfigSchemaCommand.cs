using System.CommandLine;
using DigitForge.Cli.Pipelines;

namespace DigitForge.Cli.Commands;

/// <summary><c>digitforge config schema</c>: prints the pipeline's recipe JSON Schema (what configs/&lt;pipeline&gt;/config.schema.json holds).</summary>
public static class ConfigSchemaCommand
{
    public static Command Create()
    {
        var command = new Command("schema", "Print the JSON Schema of the pipeline's recipe (regenerates configs/<pipeline>/config.schema.json: digitforge config schema --pipeline NAME > configs/NAME/config.schema.json).");
        command.SetAction(result => Guarded.Run(() =>
        {
            Console.Out.Write(RecipeSchema.ToText(RecipeSchema.Generate(CommonOptions.Definition(result))));
            return ExitCodes.Success;
        }));
        return command;
    }
}
