using DigitForge.Engine.Storage;

namespace DigitForge.Engine.Tests;

[Trait("Category", "Unit")]
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Failed_write_keeps_the_old_content_and_leaves_no_temporary_file()
    {
        var path = temp.File("registry.json");
        AtomicFile.WriteAllText(path, "old");

        var act = () => AtomicFile.Write(path, stream =>
        {
            stream.WriteByte(1);
            throw new IOException("disk full");
        });

        act.Should().Throw<IOException>();
        File.ReadAllText(path).Should().Be("old");
        Directory.GetFiles(temp.Path).Should().ContainSingle();
    }
}
