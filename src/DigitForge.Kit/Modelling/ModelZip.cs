using System.IO.Compression;
using DigitForge.Engine.Storage;
using Microsoft.ML;

namespace DigitForge.Kit.Modelling;

/// <summary>
/// Saves ML.NET models so that the same model gives the same bytes: ML.NET's zip stamps every
/// entry with the time of saving, so the archive is rewritten with its entries in the same order,
/// the same compression and one fixed time stamp. ML.NET reads the result like its own.
/// </summary>
public static class ModelZip
{
    // The earliest time a zip entry can record (DOS date); any fixed value would do.
    private static readonly DateTimeOffset FixedTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Save(MLContext ml, ITransformer model, DataViewSchema inputSchema, string path)
    {
        using var saved = new MemoryStream();
        ml.Model.Save(model, inputSchema, saved);
        AtomicFile.WriteAllBytes(path, Canonical(saved.ToArray()));
    }

    public static ITransformer Load(MLContext ml, string path, out DataViewSchema inputSchema)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: model file not found", path);
        return ml.Model.Load(path, out inputSchema);
    }

    /// <summary>The archive with every entry time set to one fixed value, entries and contents unchanged.</summary>
    public static byte[] Canonical(byte[] zip)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                var copy = target.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = FixedTime;
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        }

        return output.ToArray();
    }
}
