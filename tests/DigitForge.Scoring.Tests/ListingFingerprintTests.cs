using System.Security.Cryptography;
using System.Text;
using DigitForge.Scoring.Listing;

namespace DigitForge.Scoring.Tests;

/// <summary>The fingerprint is the SHA-256 of every path in UTF-8, each followed by a NUL, however it buffers them.</summary>
[Trait("Category", "Unit")]
public sealed class ListingFingerprintTests
{
    [Fact]
    public void Sha256_IsTheHashOfThePathsEachEndedByNul()
    {
        // Several buffers' worth, non-ASCII names, and one path longer than the buffer.
        List<string> paths = [.. Enumerable.Range(0, 10_000).Select(i => $"part{i % 7}/ziffer-{i:D5}-ä€.png")];
        paths.Insert(4321, new string('x', 30_000) + ".png");
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(paths.Select(p => p + "\0")))));

        using var fingerprint = new ListingFingerprint();
        foreach (var path in paths.Take(5000))
        {
            fingerprint.Add(path);
        }

        var halfway = fingerprint.Sha256();
        foreach (var path in paths.Skip(5000))
        {
            fingerprint.Add(path);
        }

        halfway.Should().Be(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(paths.Take(5000).Select(p => p + "\0"))))));
        fingerprint.Sha256().Should().Be(expected);
        fingerprint.Sha256().Should().Be(expected, "reading it does not change it");
        fingerprint.Files.Should().Be(paths.Count);
    }
}
