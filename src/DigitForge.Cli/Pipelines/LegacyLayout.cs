namespace DigitForge.Cli.Pipelines;

/// <summary>
/// Before pipelines had folders of their own, MNIST's outputs, registry and reports sat directly
/// in the artifacts folder. They are moved (renamed, never copied or deleted) into artifacts/mnist
/// the first time a newer build sees them, so no model version is left behind.
/// </summary>
public static class LegacyLayout
{
    private static readonly string[] Parts = ["stages", "models", "reports", "comparison.md"];

    public static void MoveIntoPipelineFolder(string artifacts, string pipelineHome, TextWriter log)
    {
        if (Directory.Exists(pipelineHome) || !Directory.Exists(Path.Combine(artifacts, "models")) && !Directory.Exists(Path.Combine(artifacts, "stages")))
        {
            return;
        }

        Directory.CreateDirectory(pipelineHome);
        foreach (var part in Parts)
        {
            var from = Path.Combine(artifacts, part);
            var to = Path.Combine(pipelineHome, part);
            try
            {
                if (Directory.Exists(from))
                {
                    Directory.Move(from, to);
                }
                else if (File.Exists(from))
                {
                    File.Move(from, to);
                }
                else
                {
                    continue;
                }

                log.WriteLine($"moved {from} to {to} (each pipeline now has its own folder)");
            }
            catch (IOException) when (!Directory.Exists(from) && !File.Exists(from))
            {
                // Another build moved it first.
            }
        }
    }
}
