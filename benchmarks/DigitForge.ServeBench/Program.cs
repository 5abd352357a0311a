using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Stories;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

// benchmarks/serve.sh's helper:
//   registry FILE.onnx ROOT                        store FILE.onnx in a registry at ROOT and promote it
//   hn-registry STORIES.csv.gz ROOT STORY_FOLDER   train a small Hacker News model (40 trees) on the stories,
//                                                  store it in a registry at ROOT and promote it; write 200 of
//                                                  the stories as predict requests (JSON) into STORY_FOLDER
//   load URL ROUTE FOLDER CLIENTS SECONDS MAX      POST the folder's .png or .json files (cycling) to URL+ROUTE
//                                                  from CLIENTS concurrent clients, after a 1 s warm-up, until
//                                                  SECONDS pass or MAX requests are done; print one line
//   log-writer BATCHES [SIZE]                      append BATCHES batches of SIZE (512) service-like predictions to a
//                                                  new SQLite log, as the service's writer does; print its CPU a record
switch (args)
{
    case ["registry", var onnx, var root]:
        CreateRegistry(File.ReadAllBytes(onnx), root, folder => File.WriteAllBytes(Path.Combine(folder, ModelVersion.OnnxFileName), File.ReadAllBytes(onnx)));
        return 0;
    case ["hn-registry", var stories, var root, var requests]:
        CreateStoryRegistry(stories, root, requests);
        return 0;
    case ["load", var url, var route, var folder, var clients, var seconds, var max]:
        return await Load(new Uri(url), route, folder, Parse(clients), Parse(seconds), Parse(max));
    case ["log-writer", var batches, .. var size]:
        LogWriter(Parse(batches), size is [var given] ? Parse(given) : 512);
        return 0;
    default:
        Console.Error.WriteLine("usage: registry FILE.onnx ROOT | hn-registry STORIES.csv.gz ROOT STORY_FOLDER | load URL ROUTE FOLDER CLIENTS SECONDS MAX | log-writer BATCHES [SIZE]");
        return 2;
}

static int Parse(string text) => int.Parse(text, CultureInfo.InvariantCulture);

// The writer's side of the service's prediction log alone: ids like trace ids, random input hashes.
static void LogWriter(int batches, int size)
{
    var folder = Directory.CreateTempSubdirectory("log-writer-").FullName;
    try
    {
        using var store = DigitForge.Monitoring.Store.MonitorStores.Open(folder, null);
        var template = new DigitForge.Monitoring.PredictionRecord("id", DateTimeOffset.UtcNow, "mnist", "v0001-0123456", "fp32", "hash", "7", 0.98, null, "serve");
        var all = Enumerable.Range(0, batches).Select(b => Enumerable.Range(0, size).Select(i => template with
        {
            Id = $"0HN8AB{b:D5}:{i:D8}",
            InputHash = DigitForge.Monitoring.PredictionRecord.HashOf(BitConverter.GetBytes((long)b * size + i)),
        }).ToList()).ToList();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        foreach (var batch in all)
        {
            store.Append(batch);
        }

        var records = (double)batches * size;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log writer: {records:N0} records in batches of {size}: {cpu.TotalMilliseconds * 1000 / records:F1} us CPU, {clock.Elapsed.TotalMilliseconds * 1000 / records:F1} us wall a record"));
    }
    finally
    {
        Directory.Delete(folder, recursive: true);
    }
}

static void CreateStoryRegistry(string stories, string root, string requests)
{
    var all = StoryFile.Read(stories);
    var scratch = Directory.CreateTempSubdirectory("serve-bench-").FullName;
    try
    {
        var featurizer = Path.Combine(scratch, "Featurize");
        Featurizer.Fit(all, new FeaturesConfig(), featurizer);
        var model = Path.Combine(scratch, "Train");
        NewsTrainer.Train(all, Path.Combine(featurizer, Featurizer.ModelFile), new NewsTrainConfig { Trees = 40 }, model);
        CreateRegistry(File.ReadAllBytes(Path.Combine(model, NewsTrainer.ModelFile)), root, folder =>
        {
            File.Copy(Path.Combine(featurizer, Featurizer.ModelFile), Path.Combine(folder, Featurizer.ModelFile));
            foreach (var file in Directory.GetFiles(model))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }
        });
    }
    finally
    {
        Directory.Delete(scratch, recursive: true);
    }

    Directory.CreateDirectory(requests);
    foreach (var (story, index) in all.Take(200).Select((s, i) => (s, i)))
    {
        File.WriteAllText(Path.Combine(requests, $"{index:D3}.json"),
            JsonSerializer.Serialize(new { id = story.Id, title = story.Title, url = story.Url, time = story.CreatedAt.ToUnixTimeSeconds(), by = story.Author }));
    }
}

static void CreateRegistry(byte[] content, string root, Action<string> write)
{
    var store = new ModelStore(root);
    var version = store.Add(Convert.ToHexStringLower(SHA256.HashData(content)), folder =>
    {
        write(folder);
        File.WriteAllText(Path.Combine(folder, "metrics.json"), "{\"note\": \"benchmark stand-in\"}");
    }, new JObject()).Version;
    var registry = new ModelRegistry(new ModelStore(root));
    registry.Register(version, new ModelMetrics(0, 0, 0, "benchmark"));
    registry.Promote(version.Number, new GateDecision([new GateCheck("benchmark", true, "stand-in")]), force: true);
}

static async Task<int> Load(Uri baseAddress, string route, string folder, int clients, int seconds, int max)
{
    var files = Directory.GetFiles(folder).Where(f => f.EndsWith(".png", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
    var bodies = files.Select(File.ReadAllBytes).ToArray();
    var type = new MediaTypeHeaderValue(files[0].EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "image/png");
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    async Task<long> Send(int index)
    {
        using var content = new ByteArrayContent(bodies[index % bodies.Length]);
        content.Headers.ContentType = type;
        var started = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync(route, content);
        await response.Content.ReadAsByteArrayAsync();
        var elapsed = Stopwatch.GetTimestamp() - started;
        return response.IsSuccessStatusCode ? elapsed : -elapsed;
    }

    // Warm-up: connections, JIT, the session.
    var warm = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
    {
        for (var i = c; warm.Elapsed < TimeSpan.FromSeconds(1); i += clients)
        {
            await Send(i);
        }
    }));

    var latencies = new List<long>[clients];
    var failures = 0;
    var next = -1;
    var clock = Stopwatch.StartNew();
    var limit = TimeSpan.FromSeconds(seconds);
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
    {
        var own = latencies[c] = new List<long>(max / clients + 1);
        int i;
        while ((i = Interlocked.Increment(ref next)) < max && clock.Elapsed < limit)
        {
            var ticks = await Send(i);
            if (ticks < 0)
            {
                Interlocked.Increment(ref failures);
            }

            own.Add(Math.Abs(ticks));
        }
    }));
    var wall = clock.Elapsed.TotalSeconds;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    double Ms(double q) => all[Math.Min(all.Length - 1, (int)(q * all.Length))] * 1000.0 / Stopwatch.Frequency;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"clients {clients,3}  requests {all.Length,6}  failed {failures}  {all.Length / wall,8:F0} req/s  p50 {Ms(0.50):F2} ms  p90 {Ms(0.90):F2} ms  p99 {Ms(0.99):F2} ms  max {Ms(1.0):F2} ms"));
    return failures == 0 ? 0 : 1;
}
