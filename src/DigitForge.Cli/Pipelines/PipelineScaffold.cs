using System.Text.RegularExpressions;
using DigitForge.Engine.Config;

namespace DigitForge.Cli.Pipelines;

/// <summary>
/// A new C# pipeline made from templates/pipeline: its project, its test project and its recipes, with the
/// template's <c>__Name__</c> and <c>__name__</c> replaced by the pipeline's class and pipeline names, registered in
/// the solution, the catalogue's project and <see cref="PipelineCatalog.BuiltIn"/> (docs/add-a-pipeline.md).
/// </summary>
public static partial class PipelineScaffold
{
    public const string Templates = "templates/pipeline";
    public const string Solution = "DigitForge.sln";
    public const string CatalogProject = "src/DigitForge.Pipelines/DigitForge.Pipelines.csproj";
    public const string Catalog = "src/DigitForge.Pipelines/PipelineCatalog.cs";

    /// <summary>The change that adds pipeline <paramref name="name"/> to the repository at <paramref name="root"/>; a
    /// <see cref="ConfigException"/> naming the problem when the name is no lower-case identifier or is taken.</summary>
    public static RepositoryChange Plan(string root, string name)
    {
        if (!LowerCaseIdentifier().IsMatch(name))
        {
            throw new ConfigException($"--name '{name}': a pipeline's name is a lower-case identifier (a-z, then a-z or 0-9), e.g. demand");
        }

        var type = char.ToUpperInvariant(name[0]) + name[1..];
        var templates = Path.Combine(root, Templates);
        if (!Directory.Exists(templates))
        {
            throw new ConfigException($"--root {root}: {Templates} does not exist; the root is the repository's folder");
        }

        if (PipelineCatalog.In(root).FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } existing)
        {
            throw new ConfigException($"--name '{name}': pipeline {existing.Name} exists ({existing.GetType().FullName})");
        }

        var change = new RepositoryChange(root);
        foreach (var template in Directory.EnumerateFiles(templates, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var target = Fill(Path.GetRelativePath(templates, template).Replace('\\', '/'), type, name);
            if (Taken(root, target) is { } taken)
            {
                throw new ConfigException($"--name '{name}': {taken} exists");
            }

            change.Create(target, Fill(File.ReadAllText(template), type, name));
        }

        var project = $"src/DigitForge.{type}/DigitForge.{type}.csproj";
        change.Edit(Solution, SolutionFile.AddProjects(Read(root, Solution), Solution, [project, $"tests/DigitForge.{type}.Tests/DigitForge.{type}.Tests.csproj"]));
        change.Edit(CatalogProject, InsertAfterLast(Read(root, CatalogProject), CatalogProject, "<ProjectReference ", $"<ProjectReference Include=\"../DigitForge.{type}/DigitForge.{type}.csproj\" />"));
        change.Edit(Catalog, Register(Read(root, Catalog), $"new {type}.{type}Pipeline(),"));
        return change;
    }

    private static string Fill(string text, string type, string name) => text.Replace("__Name__", type, StringComparison.Ordinal).Replace("__name__", name, StringComparison.Ordinal);

    private static string Read(string root, string relative) => File.ReadAllText(Path.Combine(root, relative));

    // The template's folders sit one below the repository's (src/DigitForge.__Name__, configs/__name__); one that
    // differs only in case is taken too, since the project could not be checked out on Windows or macOS.
    private static string? Taken(string root, string relative)
    {
        var parts = relative.Split('/');
        var parent = Path.Combine(root, parts[0]);
        return Directory.Exists(parent)
            ? Directory.EnumerateFileSystemEntries(parent).Select(e => Path.GetRelativePath(root, e)).FirstOrDefault(e => Path.GetFileName(e).Equals(parts[1], StringComparison.OrdinalIgnoreCase))
            : null;
    }

    /// <summary>The catalogue with <paramref name="entry"/> as the last line of the <c>BuiltIn</c> list.</summary>
    private static string Register(string catalog, string entry) => TextLines.Edit(catalog, lines =>
    {
        var list = lines.FindIndex(l => l.Contains("BuiltIn { get; } =", StringComparison.Ordinal));
        var end = list < 0 ? -1 : lines.FindIndex(list, l => l.Trim() == "];");
        if (end < 0 || lines[end - 1].Trim() is not { Length: > 0 } last || !last.EndsWith(',') || !last.StartsWith("new ", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{Catalog}: no BuiltIn list of one 'new ...Pipeline(),' a line ending with '];' to add {entry} to");
        }

        lines.Insert(end, lines[end - 1][..lines[end - 1].IndexOf("new ", StringComparison.Ordinal)] + entry);
    });

    private static string InsertAfterLast(string text, string file, string marker, string line) => TextLines.Edit(text, lines =>
    {
        var last = lines.FindLastIndex(l => l.TrimStart().StartsWith(marker, StringComparison.Ordinal));
        if (last < 0)
        {
            throw new InvalidDataException($"{file}: no line starting '{marker.Trim()}' to add {line} after");
        }

        lines.Insert(last + 1, lines[last][..lines[last].IndexOf('<', StringComparison.Ordinal)] + line);
    });

    [GeneratedRegex("^[a-z][a-z0-9]{0,39}$")]
    private static partial Regex LowerCaseIdentifier();
}
