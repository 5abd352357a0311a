using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace DigitForge.HackerNews.Tests.Api;

/// <summary>What the fake answers instead of the item, for one request.</summary>
public enum Fault
{
    /// <summary>HTTP 500.</summary>
    ServerError,

    /// <summary>HTTP 429.</summary>
    TooManyRequests,

    /// <summary>The right answer, but only after <see cref="FakeHackerNewsApi.SlowDelay"/>.</summary>
    Slow,
}

/// <summary>
/// The Hacker News v0 API on a free 127.0.0.1 port, serving the recorded items of Api/Items
/// ({id}.json; no file is a 404) and maxitem as their highest id. Requests are answered
/// concurrently; each is counted by path, and faults can be scripted per path.
/// </summary>
public sealed class FakeHackerNewsApi : IDisposable
{
    public static readonly TimeSpan SlowDelay = TimeSpan.FromSeconds(4);

    private readonly HttpListener listener;
    private readonly ConcurrentDictionary<string, string> bodies;
    private readonly ConcurrentDictionary<string, int> requests = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Fault>> scripted = new();
    private readonly ConcurrentDictionary<string, Fault> always = new();
    private readonly ConcurrentBag<Task> answers = [];
    private readonly Task loop;
    private readonly CancellationTokenSource stopping = new();
    private int inFlight;
    private int mostInFlight;

    public FakeHackerNewsApi(TimeSpan? answerDelay = null)
    {
        AnswerDelay = answerDelay ?? TimeSpan.Zero;
        var items = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Api", "Items"), "*.json");
        bodies = new(items.ToDictionary(file => "/v0/item/" + Path.GetFileName(file), File.ReadAllText));
        MaxItem = items.Max(file => long.Parse(Path.GetFileNameWithoutExtension(file), System.Globalization.CultureInfo.InvariantCulture));
        bodies["/v0/maxitem.json"] = MaxItem.ToString(System.Globalization.CultureInfo.InvariantCulture);

        (listener, var port) = LoopbackPorts.StartListener();
        BaseUrl = new Uri($"http://127.0.0.1:{port}");
        loop = Task.Run(Serve);
    }

    public Uri BaseUrl { get; }

    public long MaxItem { get; }

    /// <summary>Every answer waits this long, so that concurrent requests overlap.</summary>
    public TimeSpan AnswerDelay { get; }

    /// <summary>The most requests that were being answered at the same time.</summary>
    public int MostInFlight => Volatile.Read(ref mostInFlight);

    public static string ItemPath(long id) => $"/v0/item/{id}.json";

    /// <summary>Requests so far to <paramref name="path"/>.</summary>
    public int Requests(string path) => requests.GetValueOrDefault(path);

    /// <summary>The item ids asked for so far, each once, highest first.</summary>
    public IReadOnlyList<long> ItemsRequested() =>
        [.. requests.Keys.Where(path => path.StartsWith("/v0/item/", StringComparison.Ordinal))
            .Select(path => long.Parse(path["/v0/item/".Length..^".json".Length], System.Globalization.CultureInfo.InvariantCulture))
            .OrderDescending()];

    /// <summary>The next requests to <paramref name="path"/> get these faults, one each, then the right answer.</summary>
    public void Script(string path, params Fault[] faults) => scripted[path] = new ConcurrentQueue<Fault>(faults);

    /// <summary>Every request to <paramref name="path"/> gets <paramref name="fault"/>.</summary>
    public void Always(string path, Fault fault) => always[path] = fault;

    public void Heal(string path) => always.TryRemove(path, out _);

    /// <summary>Answers <paramref name="path"/> with <paramref name="body"/> from now on.</summary>
    public void Answer(string path, string body) => bodies[path] = body;

    public void Dispose()
    {
        stopping.Cancel();
        listener.Stop();
        listener.Close();
        loop.Wait(TimeSpan.FromSeconds(5));
        Task.WaitAll([.. answers], TimeSpan.FromSeconds(5));
        stopping.Dispose();
    }

    private async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            answers.Add(Task.Run(() => Respond(context)));
        }
    }

    private async Task Respond(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        requests.AddOrUpdate(path, 1, (_, count) => count + 1);
        var now = Interlocked.Increment(ref inFlight);
        InterlockedMax(ref mostInFlight, now);
        try
        {
            Fault? fault = always.TryGetValue(path, out var permanent) ? permanent
                : scripted.TryGetValue(path, out var queue) && queue.TryDequeue(out var once) ? once
                : null;
            await Task.Delay(fault == Fault.Slow ? SlowDelay : AnswerDelay, stopping.Token);
            var response = context.Response;
            response.StatusCode = fault switch
            {
                Fault.ServerError => 500,
                Fault.TooManyRequests => 429,
                _ => bodies.ContainsKey(path) ? 200 : 404,
            };
            var body = Encoding.UTF8.GetBytes(response.StatusCode == 200 ? bodies[path] : """{"error":"as the API says"}""");
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body, stopping.Token);
            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The client gave up on a slow answer, or the fake is stopping.
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }
}
