using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace DigitForge.Serve;

/// <summary>Request counters and a latency histogram, written in the Prometheus text format at /metrics.</summary>
internal sealed class ServeMetrics
{
    private static readonly double[] Buckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly ConcurrentDictionary<(string Method, string Route, int Status), StrongBox> requests = new();
    private readonly long[] bucketCounts = new long[Buckets.Length + 1];
    private long errors;
    private long imageErrors;
    private long swaps;
    private long count;
    private long sumMicros;

    public void Request(string method, string route, int status, double seconds)
    {
        Interlocked.Increment(ref requests.GetOrAdd((method, route, status), _ => new StrongBox()).Value);
        if (status >= 400)
        {
            Interlocked.Increment(ref errors);
        }

        var bucket = 0;
        while (bucket < Buckets.Length && seconds > Buckets[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref bucketCounts[bucket]);
        Interlocked.Increment(ref count);
        Interlocked.Add(ref sumMicros, (long)(seconds * 1e6));
    }

    public void ImageFailed() => Interlocked.Increment(ref imageErrors);

    public void ModelSwapped() => Interlocked.Increment(ref swaps);

    public string Render(LoadedModel? model)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.Append("# HELP digitforge_http_requests_total HTTP requests by method, route and status.\n");
        text.Append("# TYPE digitforge_http_requests_total counter\n");
        foreach (var ((method, route, status), box) in requests.OrderBy(r => r.Key.Route, StringComparer.Ordinal).ThenBy(r => r.Key.Status))
        {
            text.Append(c, $"digitforge_http_requests_total{{method=\"{method}\",route=\"{Escape(route)}\",status=\"{status}\"}} {Volatile.Read(ref box.Value)}\n");
        }

        text.Append("# HELP digitforge_http_errors_total HTTP responses with status 400 or above.\n");
        text.Append("# TYPE digitforge_http_errors_total counter\n");
        text.Append(c, $"digitforge_http_errors_total {Volatile.Read(ref errors)}\n");
        text.Append("# HELP digitforge_image_errors_total Images that could not be scored (single and batch requests).\n");
        text.Append("# TYPE digitforge_image_errors_total counter\n");
        text.Append(c, $"digitforge_image_errors_total {Volatile.Read(ref imageErrors)}\n");
        text.Append("# HELP digitforge_http_request_duration_seconds Request latency.\n");
        text.Append("# TYPE digitforge_http_request_duration_seconds histogram\n");
        long cumulative = 0;
        for (var i = 0; i < Buckets.Length; i++)
        {
            cumulative += Volatile.Read(ref bucketCounts[i]);
            text.Append(c, $"digitforge_http_request_duration_seconds_bucket{{le=\"{Buckets[i]}\"}} {cumulative}\n");
        }

        cumulative += Volatile.Read(ref bucketCounts[Buckets.Length]);
        text.Append(c, $"digitforge_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}\n");
        text.Append(c, $"digitforge_http_request_duration_seconds_sum {Volatile.Read(ref sumMicros) / 1e6}\n");
        text.Append(c, $"digitforge_http_request_duration_seconds_count {Volatile.Read(ref count)}\n");
        text.Append("# HELP digitforge_model_swaps_total Production models loaded and swapped in.\n");
        text.Append("# TYPE digitforge_model_swaps_total counter\n");
        text.Append(c, $"digitforge_model_swaps_total {Volatile.Read(ref swaps)}\n");
        text.Append("# HELP digitforge_model_info The model being served.\n");
        text.Append("# TYPE digitforge_model_info gauge\n");
        if (model is not null)
        {
            text.Append(c, $"digitforge_model_info{{version=\"{Escape(model.Name)}\",onnx_version=\"{Escape(model.Model.Version)}\"}} 1\n");
        }

        return text.ToString();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private sealed class StrongBox
    {
        public long Value;
    }
}
