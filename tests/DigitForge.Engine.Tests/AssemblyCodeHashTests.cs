using DigitForge.Engine.Hashing;

namespace DigitForge.Engine.Tests;

/// <summary>Tiny libraries compiled as the build compiles ours (<see cref="TinyCompiler"/>), then hashed whole.</summary>
[Trait("Category", "Unit")]
public sealed class AssemblyCodeHashTests : IDisposable
{
    private const string Library = """
        using System;
        using System.Runtime.CompilerServices;

        namespace Tiny;

        public static class Knobs
        {
            public static int Line() => Where();

            private static int Where([CallerLineNumber] int line = 0) => line;

            public const int Width = 28;

            private static ReadOnlySpan<byte> Table => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

            public static int Scale(int x) => (x * Width) + Table[x % 12];
        }
        """;

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Comment_and_whitespace_edits_change_the_file_but_not_the_code_hash()
    {
        var original = Compile("a", Library);

        // The comment lines shift every line below them; the [CallerLineNumber] call sits above them
        // (a line number that reaches the IL is a real change, tested below).
        var commented = Compile("b", Library
            .Replace("public const int Width", "// Scales x.\n\n    /* the width\n       and a table */\n    public const int Width", StringComparison.Ordinal)
            .Replace("(x * Width) + Table[x % 12]", "( x*Width )   +   Table[ x % 12 ]", StringComparison.Ordinal)
            .Replace("public static int Line() => Where();", "public static int Line() => Where();  // trailing", StringComparison.Ordinal));

        File.ReadAllBytes(commented).Should().NotEqual(File.ReadAllBytes(original), "the PDB id, MVID and timestamp follow the source text");
        AssemblyCodeHash.OfFile(commented).Should().Be(AssemblyCodeHash.OfFile(original));
    }

    [Fact]
    public void Same_source_gives_the_same_hash_and_the_same_as_a_hex_sha256()
    {
        var hash = AssemblyCodeHash.OfFile(Compile("a", Library));

        AssemblyCodeHash.OfFile(Compile("b", Library)).Should().Be(hash);
        hash.Should().MatchRegex("^[0-9a-f]{64}$");
    }

    [Theory]
    [InlineData("public const int Width = 28;", "public const int Width = 29;")]
    [InlineData("(x * Width) + Table[x % 12]", "(x * Width) - Table[x % 12]")]
    [InlineData("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]", "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13]")]
    [InlineData("Table[x % 12];", "Table[x % 12];\n    public static int Unused() => 0;")]
    [InlineData("private static int Where(", "internal static int Where(")]
    public void A_real_change_changes_the_code_hash(string before, string after)
    {
        Library.Should().Contain(before);

        var original = AssemblyCodeHash.OfFile(Compile("a", Library));
        var changed = AssemblyCodeHash.OfFile(Compile("b", Library.Replace(before, after, StringComparison.Ordinal)));

        changed.Should().NotBe(original);
    }

    [Fact]
    public void A_line_number_that_reaches_the_code_is_a_real_change()
    {
        // A line above Line() moves the constant [CallerLineNumber] puts into its IL.
        var original = AssemblyCodeHash.OfFile(Compile("a", Library));
        var shifted = AssemblyCodeHash.OfFile(Compile("b", Library.Replace("public static int Line()", "// note\n    public static int Line()", StringComparison.Ordinal)));

        shifted.Should().NotBe(original);
    }

    [Fact]
    public void A_changed_managed_resource_changes_the_code_hash()
    {
        var original = AssemblyCodeHash.OfFile(Compile("a", Library, resource: "labels 0-9"));
        var same = AssemblyCodeHash.OfFile(Compile("b", Library, resource: "labels 0-9"));
        var changed = AssemblyCodeHash.OfFile(Compile("c", Library, resource: "labels 0-8"));

        same.Should().Be(original);
        changed.Should().NotBe(original);
    }

    [Fact]
    public void A_changed_referenced_assembly_identity_changes_the_code_hash()
    {
        var dependency = Compile("dep1", "namespace Dep; public static class D { public static int V => 1; }", version: "1.0.0.0", name: "Dep");
        var newer = Compile("dep2", "namespace Dep; public static class D { public static int V => 1; }", version: "2.0.0.0", name: "Dep");
        const string user = "namespace Tiny; public static class U { public static int V => Dep.D.V; }";

        var against1 = AssemblyCodeHash.OfFile(Compile("u1", user, reference: dependency));
        var against2 = AssemblyCodeHash.OfFile(Compile("u2", user, reference: newer));

        against2.Should().NotBe(against1);
    }

    [Fact]
    public void Hashes_this_repository_s_own_assemblies_and_refuses_a_file_that_is_not_one()
    {
        var engine = typeof(AssemblyCodeHash).Assembly.Location;
        AssemblyCodeHash.OfFile(engine).Should().Be(AssemblyCodeHash.OfFile(engine)).And.NotBe(ContentHash.OfFile(engine));

        File.WriteAllText(temp.File("notes.dll"), "not a PE file");
        var act = () => AssemblyCodeHash.OfFile(temp.File("notes.dll"));
        act.Should().Throw<BadImageFormatException>();
    }

    private string Compile(string folder, string source, string? resource = null, string version = "1.0.0.0", string? reference = null, string name = "Tiny") =>
        TinyCompiler.Compile(Path.Combine(temp.Path, folder), name, source, reference is null ? null : [reference], resource, version);
}
