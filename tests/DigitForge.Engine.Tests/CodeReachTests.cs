using DigitForge.Engine.Hashing;

namespace DigitForge.Engine.Tests;

/// <summary>
/// The reachability walk over two tiny assemblies of ours and one of a vendor's, compiled with
/// Roslyn: what a root type reaches, and which edits change its code hashes.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CodeReachTests : IDisposable
{
    private const string Vendor = """
        namespace Vendor;
        public static class Tool { public static int Scale(int x) => x * 10; }
        public static class Idle { public static int Nothing() => 0; }
        """;

    private const string Library = """
        using System;
        namespace TinyLib;

        public static class Helpers
        {
            public static int Twice(int x) => x * 2;
            public static int Unused(int x) => x + 1;
        }

        public interface IShape { double Area(); }
        public sealed class Square(double side) : IShape { public double Area() => side * side; }
        public sealed class Circle(double r) : IShape { public double Area() => 3.14 * r * r; }
        public static class Shapes { public static IShape Make(bool round) => round ? Make() : new Square(2); private static IShape Make() => (IShape)Activator.CreateInstance(Type.GetType("TinyLib.Circle")!, 1.0)!; }

        public static class Table { public static readonly int[] Weights = [1, 2, 3]; public static readonly string Unit = "cm"; }
        public static class Limits { public const int Max = 10; }
        public sealed class Shown { public override string ToString() => "shown"; }

        [AttributeUsage(AttributeTargets.All)]
        public sealed class TagAttribute(Type type) : Attribute { public Type Type { get; } = type; }
        public sealed class Tagged { public static int Weight = 3; }
        public sealed class Item { public int Size { get; init; } = 5; }

        public abstract class Step { public abstract int Apply(int x); }
        public sealed class AddHundred : Step { public override int Apply(int x) => x + 100; }
        public static class Steps { public static Step First() => new AddHundred(); }
        public sealed class Unrelated { public int Value() => 42; }
        """;

    private const string Root = """
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        namespace Tiny;

        [TinyLib.Tag(typeof(TinyLib.Tagged))]
        public sealed class Root
        {
            public int Run(int[] xs)
            {
                var doubled = xs.Select(x => TinyLib.Helpers.Twice(x) + Local(x)).Sum();
                var area = TinyLib.Shapes.Make(xs.Length > 3).Area();
                return doubled + (int)area + TinyLib.Limits.Max + TinyLib.Table.Weights[0] + Steps().Count() + Later().Result + Vendor.Tool.Scale(1)
                    + $"{new TinyLib.Shown()}".Length + new List<TinyLib.Item>().Count + TinyLib.Steps.First().Apply(1);

                static int Local(int x) => x - 1;
            }

            private static IEnumerable<int> Steps()
            {
                yield return 1;
                yield return 2;
            }

            private static async Task<int> Later()
            {
                await Task.Yield();
                return 3;
            }
        }

        public sealed class Other { public int Value() => 7 + Vendor.Idle.Nothing(); }
        """;

    private readonly TempDirectory temp = new();
    private int builds;

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Reaches_helpers_in_another_assembly_lambdas_local_functions_state_machines_overrides_attributes_and_generic_arguments()
    {
        var reach = Walk(Root, Library);

        reach.Types.Should().Contain([
            "[DigitForge.Tiny]Tiny.Root", "[DigitForge.Tiny]Tiny.Root/<>c", "[DigitForge.Tiny]Tiny.Root/<Steps>d__1", "[DigitForge.Tiny]Tiny.Root/<Later>d__2",
            "[DigitForge.TinyLib]TinyLib.Helpers", "[DigitForge.TinyLib]TinyLib.Square", "[DigitForge.TinyLib]TinyLib.Circle", "[DigitForge.TinyLib]TinyLib.Table",
            "[DigitForge.TinyLib]TinyLib.Shown", "[DigitForge.TinyLib]TinyLib.Tagged", "[DigitForge.TinyLib]TinyLib.Item"]);
        reach.Methods.Should().Contain([
            "[DigitForge.Tiny]Tiny.Root::<Run>g__Local|0_1", "[DigitForge.Tiny]Tiny.Root/<Later>d__2::MoveNext", "[DigitForge.Tiny]Tiny.Root/<Steps>d__1::MoveNext",
            "[DigitForge.TinyLib]TinyLib.Helpers::Twice", "[DigitForge.TinyLib]TinyLib.Circle::Area", "[DigitForge.TinyLib]TinyLib.Table::.cctor",
            "[DigitForge.TinyLib]TinyLib.Shown::ToString", "[DigitForge.TinyLib]TinyLib.AddHundred::Apply", "[DigitForge.TinyLib]TinyLib.Item::.ctor"]);
        reach.Methods.Should().NotContain("[DigitForge.TinyLib]TinyLib.Helpers::Unused");
        reach.Types.Should().NotContain(["[DigitForge.TinyLib]TinyLib.Unrelated", "[DigitForge.Tiny]Tiny.Other"]);
        reach.Hashes.Keys.Should().Equal("DigitForge.Tiny", "DigitForge.TinyLib", "Vendor");
    }

    [Fact]
    public void A_vendor_assembly_counts_whole_and_only_when_reached()
    {
        Walk(Root.Replace(" + Vendor.Tool.Scale(1)", string.Empty, StringComparison.Ordinal), Library).Hashes.Keys.Should().Equal("DigitForge.Tiny", "DigitForge.TinyLib");

        var original = Walk(Root, Library).Hashes["Vendor"];
        Walk(Root, Library, Vendor.Replace("=> 0;", "=> 1;", StringComparison.Ordinal)).Hashes["Vendor"].Should().NotBe(original, "a vendor assembly is hashed whole");
    }

    [Fact]
    public void An_assembly_of_ours_that_is_not_there_is_recorded_as_missing()
    {
        var directory = Path.Combine(temp.Path, "missing");
        var vendorPath = TinyCompiler.Compile(directory, "Vendor", Vendor);
        var libraryPath = TinyCompiler.Compile(directory, "DigitForge.TinyLib", Library);
        var rootPath = TinyCompiler.Compile(directory, "DigitForge.Tiny", Root, [libraryPath, vendorPath]);
        File.Delete(libraryPath);

        CodeReach.From(rootPath, "Tiny.Root").Hashes.Should().Contain("DigitForge.TinyLib", "missing");
    }

    [Theory]
    [InlineData("lib", "x * 2", "x * 3")]
    [InlineData("root", "x - 1", "x - 2")]
    [InlineData("root", "+ Local(x)", "- Local(x)")]
    [InlineData("lib", "3.14 * r * r", "3.15 * r * r")]
    [InlineData("lib", "side * side", "side * side * 1.5")]
    [InlineData("lib", "Max = 10", "Max = 11")]
    [InlineData("lib", "[1, 2, 3]", "[1, 2, 4]")]
    [InlineData("lib", "\"cm\"", "\"mm\"")]
    [InlineData("lib", "\"shown\"", "\"seen\"")]
    [InlineData("lib", "Weight = 3", "Weight = 4")]
    [InlineData("lib", "} = 5;", "} = 6;")]
    [InlineData("lib", "x + 100", "x + 101")]
    [InlineData("root", "yield return 2;", "yield return 3;")]
    [InlineData("root", "return 3;", "return 4;")]
    public void An_edit_the_root_reaches_changes_its_hash(string where, string before, string after)
    {
        var edited = Edit(where, before, after);

        Walk(edited.Root, edited.Library).Hashes.Should().NotEqual(Walk(Root, Library).Hashes);
    }

    [Theory]
    [InlineData("lib", "public sealed class Unrelated", "public sealed class Added { public int[] Data = [5, 6, 7]; public int Twice() => 2; }\npublic sealed class Unrelated")]
    [InlineData("root", "public sealed class Other", "public sealed class Added { public static int[] Data = [5, 6, 7]; }\npublic sealed class Other")]
    [InlineData("lib", "=> 42;", "=> 43;")]
    [InlineData("root", "=> 7 +", "=> 8 +")]
    [InlineData("lib", "x + 1;", "x + 2;")]
    [InlineData("lib", "public static int Twice", "// doubles\n    public static int Twice")]
    public void An_edit_the_root_cannot_reach_changes_nothing(string where, string before, string after)
    {
        var edited = Edit(where, before, after);

        Walk(edited.Root, edited.Library).Hashes.Should().Equal(Walk(Root, Library).Hashes);
    }

    private static (string Root, string Library) Edit(string where, string before, string after)
    {
        (where == "root" ? Root : Library).Should().Contain(before);
        return where == "root"
            ? (Root.Replace(before, after, StringComparison.Ordinal), Library)
            : (Root, Library.Replace(before, after, StringComparison.Ordinal));
    }

    private CodeReach Walk(string root, string library, string vendor = Vendor)
    {
        var directory = Path.Combine(temp.Path, $"build{++builds}");
        var vendorPath = TinyCompiler.Compile(directory, "Vendor", vendor);
        var libraryPath = TinyCompiler.Compile(directory, "DigitForge.TinyLib", library);
        var rootPath = TinyCompiler.Compile(directory, "DigitForge.Tiny", root, [libraryPath, vendorPath]);
        return CodeReach.From(rootPath, "Tiny.Root");
    }
}
