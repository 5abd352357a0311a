using DigitForge.Engine.Hashing;
using Newtonsoft.Json.Linq;

namespace DigitForge.Engine.Tests;

/// <summary>The code hashes kept between builds: reused while no assembly file the walk read changed, walked again when one did.</summary>
[Trait("Category", "Unit")]
public sealed class CodeHashCacheTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Reuses_the_kept_hashes_until_an_assembly_file_the_walk_read_changes()
    {
        var library = TinyCompiler.Compile(temp.File("bin"), "DigitForge.TinyLib", "namespace TinyLib; public static class Helpers { public static int Twice(int x) => x * 2; }");
        var root = TinyCompiler.Compile(temp.File("bin"), "DigitForge.Tiny", "namespace Tiny; public sealed class Root { public int Run() => TinyLib.Helpers.Twice(2); }", [library]);
        var file = temp.File("stages/.code-hashes.json");
        Directory.CreateDirectory(temp.File("stages"));

        var walked = new CodeHashCache(file).Of(root, "Tiny.Root");
        walked.Keys.Should().Equal("DigitForge.Tiny", "DigitForge.TinyLib");
        File.Exists(file).Should().BeTrue();

        // A kept hash is taken as it is: marked, it comes back marked.
        var kept = JObject.Parse(File.ReadAllText(file));
        var hashes = (JObject)kept.Properties().Single().Value["hashes"]!;
        hashes["DigitForge.TinyLib"] = "kept";
        File.WriteAllText(file, kept.ToString());
        new CodeHashCache(file).Of(root, "Tiny.Root")["DigitForge.TinyLib"].Should().Be("kept");

        // A library file rewritten (a new write time) is walked again.
        File.SetLastWriteTimeUtc(library, File.GetLastWriteTimeUtc(library).AddSeconds(5));
        new CodeHashCache(file).Of(root, "Tiny.Root").Should().Equal(walked);
    }

    [Fact]
    public void Without_a_stage_folder_nothing_is_written_and_an_unreadable_file_only_costs_a_walk()
    {
        var root = TinyCompiler.Compile(temp.File("bin"), "DigitForge.Tiny", "namespace Tiny; public sealed class Root { public int Run() => 2; }");

        var hashes = new CodeHashCache(temp.File("never-built/.code-hashes.json")).Of(root, "Tiny.Root");
        Directory.Exists(temp.File("never-built")).Should().BeFalse();

        File.WriteAllText(temp.File("broken.json"), "{ not json");
        new CodeHashCache(temp.File("broken.json")).Of(root, "Tiny.Root").Should().Equal(hashes);
    }
}
