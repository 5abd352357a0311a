namespace DigitForge.Cli.Pipelines;

/// <summary>Edits a file's text line by line, keeping its line ends ("\r\n" or "\n").</summary>
public static class TextLines
{
    public static string Edit(string text, Action<List<string>> edit)
    {
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = text.Split(newline).ToList();
        edit(lines);
        return string.Join(newline, lines);
    }
}
