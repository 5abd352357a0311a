using DigitForge.Engine.Caching;

namespace DigitForge.Remote.Tests;

/// <summary>What every remote's named documents must do (a sweep's plan and member records live there).</summary>
internal static class RemoteDocuments
{
    /// <summary>A document is replaced whole, a missing one is null, and a listing names only the documents under its prefix.</summary>
    public static void AreReplacedWholeAndListedByPrefix(IRemoteCache remote)
    {
        remote.GetDocument("sweeps/sw-1/plan.json").Should().BeNull();
        remote.ListDocuments("sweeps/sw-1/members/").Should().BeEmpty();

        remote.PutDocument("sweeps/sw-1/members/m02.json", "failed");
        remote.PutDocument("sweeps/sw-1/members/m01.json", "one");
        remote.PutDocument("sweeps/sw-1/members/m02.json", "done");
        remote.PutDocument("sweeps/sw-1/plan.json", "plan");
        remote.PutDocument("sweeps/sw-10/members/m01.json", "another sweep");

        remote.GetDocument("sweeps/sw-1/members/m02.json").Should().Be("done");
        remote.ListDocuments("sweeps/sw-1/members/").Should().Equal("sweeps/sw-1/members/m01.json", "sweeps/sw-1/members/m02.json");
    }
}

/// <summary>The named documents a folder remote keeps beside its stage archives.</summary>
[Trait("Category", "Unit")]
public sealed class DirectoryRemoteDocumentsTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_document_is_replaced_whole_and_listed_by_its_prefix_and_no_temporary_file_is_left()
    {
        RemoteDocuments.AreReplacedWholeAndListedByPrefix(new DirectoryRemoteCache(temp.File("remote")));

        Directory.EnumerateFiles(temp.File("remote"), ".*", SearchOption.AllDirectories).Should().BeEmpty();
    }
}
