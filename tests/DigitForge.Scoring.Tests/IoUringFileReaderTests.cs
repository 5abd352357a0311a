using DigitForge.Scoring.Images;

namespace DigitForge.Scoring.Tests;

/// <summary>Batches of files read through io_uring: every file read whole is exactly its bytes, and every
/// other one (missing, a folder, too large for its slot or the limit) is left for the caller, without
/// disturbing its neighbours.</summary>
[Trait("Category", "Unit")]
public sealed class IoUringFileReaderTests
{
    private const int SlotBytes = 64 << 10;

    [Fact]
    public void TryCreate_OnLinuxWithIoUringAllowed_GivesAReader()
    {
        using var reader = IoUringFileReader.TryCreate();

        (reader is not null).Should().Be(IoUringAllowed());
    }

    [SkippableFact]
    public void ReadAll_GivesEachFileReadWholeItsBytes_AndLeavesTheRestToTheCaller()
    {
        using var reader = Reader();

        using var dir = new TempDirectory();
        var random = new Random(5);
        var sizes = new[] { 0, 1, 270, SlotBytes - 1, SlotBytes, SlotBytes + 1, 200_000 };
        var expected = new List<byte[]?>();
        for (var i = 0; i < IoUringFileReader.Slots; i++)
        {
            // Cycle through the sizes, with a missing file and a folder among them.
            var path = dir.File($"f{i}-ü.png");
            if (i % 9 == 4)
            {
                expected.Add(null);
            }
            else if (i % 9 == 7)
            {
                Directory.CreateDirectory(path);
                expected.Add(null);
            }
            else
            {
                var content = new byte[sizes[i % sizes.Length]];
                random.NextBytes(content);
                File.WriteAllBytes(path, content);
                expected.Add(content.Length < SlotBytes ? content : null);
            }

            reader.Add(path);
        }

        reader.ReadAll(maxBytes: 1 << 20);

        for (var i = 0; i < expected.Count; i++)
        {
            var read = reader.TryGet(i, out var data, out var length);
            read.Should().Be(expected[i] is not null, $"file {i}");
            if (read)
            {
                data.AsSpan(0, length).ToArray().Should().Equal(expected[i], $"file {i}");
            }
        }
    }

    [SkippableFact]
    public void ReadAll_FileOverTheLimit_IsLeftToTheCaller()
    {
        using var reader = Reader();

        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("a.png"), new byte[100]);
        reader.Add(dir.File("a.png"));

        reader.ReadAll(maxBytes: 99);
        reader.TryGet(0, out _, out _).Should().BeFalse("100 bytes are over a limit of 99; the caller's read reports it");

        foreach (var limit in new[] { 100, long.MaxValue })
        {
            reader.ReadAll(maxBytes: limit);
            reader.TryGet(0, out _, out var length).Should().BeTrue($"limit {limit}");
            length.Should().Be(100);
        }
    }

    [SkippableFact]
    public void ReadAll_ManyBatches_ReusesTheRingAndItsDescriptorSlots()
    {
        using var reader = Reader();

        using var dir = new TempDirectory();
        for (var i = 0; i < 100; i++)
        {
            File.WriteAllBytes(dir.File($"{i}.png"), [(byte)i, (byte)(i * 7), 1, 2, 3]);
        }

        // More submissions than the rings have entries, with batches of every size, and long paths that grow
        // the path buffer: every file still comes back as itself.
        var longName = new string('n', 200);
        for (var round = 0; round < 40; round++)
        {
            reader.Clear();
            var count = 1 + (round * 13 % IoUringFileReader.Slots);
            for (var j = 0; j < count; j++)
            {
                var file = ((round * 31) + j) % 100;
                reader.Add(round % 5 == 0 ? dir.File(Path.Combine("..", Path.GetFileName(dir.Path), $"{file}.png")) : dir.File($"{file}.png"));
            }

            if (round == 39)
            {
                reader.Clear();
                count = IoUringFileReader.Slots;
                for (var j = 0; j < count; j++)
                {
                    reader.Add(dir.File($"{longName}{j}"));
                }

                reader.ReadAll(maxBytes: 1 << 20);
                for (var j = 0; j < count; j++)
                {
                    reader.TryGet(j, out _, out _).Should().BeFalse("none of these files exists");
                }

                continue;
            }

            reader.ReadAll(maxBytes: 1 << 20);
            reader.Count.Should().Be(count);
            for (var j = 0; j < count; j++)
            {
                var file = ((round * 31) + j) % 100;
                reader.TryGet(j, out var data, out var length).Should().BeTrue();
                data.AsSpan(0, length).ToArray().Should().Equal([(byte)file, (byte)(file * 7), 1, 2, 3], $"round {round}, file {j}");
            }
        }
    }

    [SkippableFact]
    public void Add_MoreThanASubmissionHolds_IsRefused()
    {
        using var reader = Reader();

        for (var i = 0; i < IoUringFileReader.Slots; i++)
        {
            reader.Add("/nonexistent");
        }

        var act = () => reader.Add("/nonexistent");

        act.Should().Throw<InvalidOperationException>();
    }

    /// <summary>A reader, or the test is skipped where io_uring cannot be used (TryCreate's own test checks where that is).</summary>
    private static IoUringFileReader Reader() =>
        IoUringFileReader.TryCreate() ?? throw Prerequisites.Skip("io_uring cannot be used here (not Linux on x64 or arm64, an old kernel, or switched off): the scorer reads files one by one instead");

    /// <summary>Linux on x64 or arm64 with io_uring not switched off by the administrator (kernel.io_uring_disabled).</summary>
    private static bool IoUringAllowed()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is not (System.Runtime.InteropServices.Architecture.X64 or System.Runtime.InteropServices.Architecture.Arm64))
        {
            return false;
        }

        const string Switch = "/proc/sys/kernel/io_uring_disabled";
        return !File.Exists(Switch) || File.ReadAllText(Switch).Trim() == "0";
    }
}
