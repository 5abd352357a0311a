using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

// benchmarks/serve.sh's helper:
//   registry FILE.onnx ROOT                        store FILE.onnx in a registry at ROOT and promote it
//   load URL PNG_FOLDER CLIENTS SECONDS MAX        POST the folder's PNGs (cycling) to URL/v1/predict from
//                                                  CLIENTS concurrent clients, after a 1 s warm-up, until
//                                                  SECONDS pass or MAX requests are done; print one line
switch (args)
{
    case ["registry", var onnx, var root]:
        CreateRegistry(onnx, root);
        return 0;
    case ["load", var url, var folder, var clients, var seconds, var max]:
        return await Load(new Uri(url), folder, Parse(clients), Parse(seconds), Parse(max));
    default:
        Console.Error.WriteLine("usage: registry FILE.onnx ROOT | load URL PNG_FOLDER CLIENTS SECONDS MAX");
        return 2;
}

static int Parse(string text) => int.Parse(text, CultureInfo.InvariantCulture);

static void CreateRegistry(string onnx, string root)
{
    var bytes = File.ReadAllBytes(onnx);
    var store = new ModelStore(root);
    var version = store.Add(Convert.ToHexStringLower(SHA256.HashData(bytes)), folder =>
    {
        File.WriteAllBytes(Path.Combine(folder, ModelVersion.OnnxFileName), bytes);
        File.WriteAllText(Path.Combine(folder, "metrics.json"), "{\"note\": \"benchmark stand-in\"}");
    }, new JObject()).Version;
    var registry = new ModelRegistry(new ModelStore(root));
    registry.Register(version, new ModelMetrics(0, 0, 0, "benchmark"));
    registry.Promote(version.Number, new GateDecision([new GateCheck("benchmark", true, "stand-in")]), force: true);
}

static async Task<int> Load(Uri baseAddress, string folder, int clients, int seconds, int max)
{
    var images = Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    async Task<long> Send(int index)
    {
        using var content = new ByteArrayContent(images[index % images.Length]);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var started = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync("/v1/predict", content);
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
