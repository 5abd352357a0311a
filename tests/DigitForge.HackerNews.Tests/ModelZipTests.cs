using System.IO.Compression;
using DigitForge.HackerNews.Modelling;
using DigitForge.Kit.Modelling;

namespace DigitForge.HackerNews.Tests;

[Trait("Category", "Unit")]
public sealed class ModelZipTests
{
    private static byte[] Zip(DateTimeOffset time)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in new[] { "b/model.bin", "a/version.txt" })
            {
                var entry = zip.CreateEntry(name);
                entry.LastWriteTime = time;
                using var stream = entry.Open();
                stream.Write(System.Text.Encoding.UTF8.GetBytes($"content of {name}"));
            }
        }

        return memory.ToArray();
    }

    [Fact]
    public void Archives_that_differ_only_in_entry_times_become_identical()
    {
        var morning = Zip(new DateTimeOffset(2024, 5, 1, 8, 0, 0, TimeSpan.Zero));
        var evening = Zip(new DateTimeOffset(2025, 7, 9, 20, 30, 0, TimeSpan.Zero));
        morning.Should().NotEqual(evening);

        ModelZip.Canonical(morning).Should().Equal(ModelZip.Canonical(evening));
    }

    [Fact]
    public void Entries_keep_their_order_and_contents()
    {
        var canonical = ModelZip.Canonical(Zip(DateTimeOffset.Now));

        using var zip = new ZipArchive(new MemoryStream(canonical), ZipArchiveMode.Read);
        zip.Entries.Select(e => e.FullName).Should().Equal("b/model.bin", "a/version.txt");
        using var reader = new StreamReader(zip.Entries[1].Open());
        reader.ReadToEnd().Should().Be("content of a/version.txt");
    }
}
