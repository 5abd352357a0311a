using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;

namespace DigitForge.Engine.Tests;

/// <summary>Compiles tiny libraries as the build compiles ours: deterministic, Release, portable PDB, sources under a fixed path (as PathMap does).</summary>
public static class TinyCompiler
{
    private static readonly string Runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;

    /// <summary>Compiles <paramref name="source"/> into <paramref name="directory"/>/<paramref name="name"/>.dll and returns its path.</summary>
    /// <param name="references">Assembly files it uses besides the framework's core.</param>
    public static string Compile(string directory, string name, string source, IEnumerable<string>? references = null, string? resource = null, string version = "1.0.0.0")
    {
        SyntaxTree Tree(string text, string file) => CSharpSyntaxTree.ParseText(
            SourceText.From(text, Encoding.UTF8, SourceHashAlgorithm.Sha256), new CSharpParseOptions(LanguageVersion.Latest), path: $"/_/src/{name}/{file}");
        List<MetadataReference> all =
        [
            .. new[] { "System.Private.CoreLib", "System.Runtime", "System.Linq", "System.Collections" }.Select(a => MetadataReference.CreateFromFile(Path.Combine(Runtime, a + ".dll"))),
            .. (references ?? []).Select(r => MetadataReference.CreateFromFile(r)),
        ];
        var compilation = CSharpCompilation.Create(
            name,
            [Tree(source, "Library.cs"), Tree($"[assembly: System.Reflection.AssemblyVersion(\"{version}\")]", "AssemblyInfo.cs")],
            all,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, deterministic: true, nullableContextOptions: NullableContextOptions.Enable));

        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".dll");
        using (var pe = File.Create(path))
        using (var pdb = File.Create(Path.ChangeExtension(path, ".pdb")))
        {
            var resources = resource is null
                ? null
                : new[] { new ResourceDescription($"{name}.labels.txt", () => new MemoryStream(Encoding.UTF8.GetBytes(resource)), isPublic: true) };
            var result = compilation.Emit(pe, pdb, manifestResources: resources, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb, pdbFilePath: $"/_/src/{name}/obj/{name}.pdb"));
            if (!result.Success)
            {
                throw new InvalidOperationException($"{name} does not compile:\n{string.Join("\n", result.Diagnostics)}");
            }
        }

        return path;
    }
}
