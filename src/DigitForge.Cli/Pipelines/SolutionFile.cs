using System.Security.Cryptography;
using System.Text;

namespace DigitForge.Cli.Pipelines;

/// <summary>
/// A Visual Studio solution's text with C# projects added under its solution folders, as <c>dotnet sln add</c>
/// would add them: a project block, its configurations and its nesting. A project's id is derived from its path,
/// so adding the same project to two copies of a solution gives the same text.
/// </summary>
public static class SolutionFile
{
    private const string CSharpProject = "{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}";
    private const string SolutionFolder = "{2150E333-8FDC-42A3-9474-1A3956D46DE8}";

    /// <summary><paramref name="text"/> with <paramref name="projects"/> added, each a path relative to the solution's folder
    /// whose first folder (<c>src</c>, <c>tests</c>) is the solution folder it goes in.</summary>
    /// <param name="file">The solution's path, for errors.</param>
    public static string AddProjects(string text, string file, IEnumerable<string> projects) => TextLines.Edit(text, lines =>
    {
        foreach (var project in projects)
        {
            var path = project.Replace('/', '\\');
            var id = IdOf(path);
            var folder = path.Split('\\')[0];
            var folderId = lines
                .Where(l => l.StartsWith($"Project(\"{SolutionFolder}\") = \"{folder}\",", StringComparison.Ordinal))
                .Select(l => l.Split('"')[^2])
                .FirstOrDefault() ?? throw new InvalidDataException($"{file}: no solution folder '{folder}' to put {project} in");
            lines.InsertRange(IndexOf(lines, file, "Global", 0), [$"Project(\"{CSharpProject}\") = \"{Path.GetFileNameWithoutExtension(path.Split('\\')[^1])}\", \"{path}\", \"{id}\"", "EndProject"]);
            var platforms = SectionLines(lines, file, "SolutionConfigurationPlatforms").Select(l => l.Split('=')[0].Trim()).ToList();
            lines.InsertRange(SectionEnd(lines, file, "ProjectConfigurationPlatforms"), platforms.SelectMany(platform => new[]
            {
                $"\t\t{id}.{platform}.ActiveCfg = {platform.Split('|')[0]}|Any CPU",
                $"\t\t{id}.{platform}.Build.0 = {platform.Split('|')[0]}|Any CPU",
            }));
            lines.Insert(SectionEnd(lines, file, "NestedProjects"), $"\t\t{id} = {folderId}");
        }
    });

    /// <summary>A GUID made of the path's hash, in the solution's spelling.</summary>
    public static string IdOf(string path) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(path.Replace('/', '\\')))[..16]).ToString("B").ToUpperInvariant();

    private static IEnumerable<string> SectionLines(List<string> lines, string file, string section)
    {
        var start = IndexOf(lines, file, $"\tGlobalSection({section})", 0);
        return lines.Skip(start + 1).Take(SectionEnd(lines, file, section) - start - 1);
    }

    private static int SectionEnd(List<string> lines, string file, string section) =>
        IndexOf(lines, file, "\tEndGlobalSection", IndexOf(lines, file, $"\tGlobalSection({section})", 0));

    private static int IndexOf(List<string> lines, string file, string start, int from)
    {
        var index = lines.FindIndex(from, l => l.StartsWith(start, StringComparison.Ordinal));
        return index >= 0 ? index : throw new InvalidDataException($"{file}: no line starting '{start.Trim()}', as a solution file has");
    }
}
