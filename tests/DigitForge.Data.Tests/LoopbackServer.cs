using System.Collections.Concurrent;
using System.Net;

namespace DigitForge.Data.Tests;

/// <summary>
/// An HTTP server on a free 127.0.0.1 port, so download tests need no other network. The handler
/// gets each request with its 0-based number; the Range header of every request is recorded.
/// </summary>
public sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener listener;
    private readonly ConcurrentQueue<string> ranges = new();
    private readonly Task loop;

    public LoopbackServer(Action<HttpListenerRequest, HttpListenerResponse, int> handler)
    {
        (listener, var port) = LoopbackPorts.StartListener();
        Url = new Uri($"http://127.0.0.1:{port}/data.bin");
        loop = Task.Run(() => Serve(handler));
    }

    public Uri Url { get; }

    /// <summary>The Range header of each request so far ("none" when absent).</summary>
    public IReadOnlyList<string> Ranges => [.. ranges];

    /// <summary>Serves <paramref name="body"/>, honouring "bytes=N-" ranges with 206.</summary>
    public static void ServeRange(HttpListenerRequest request, HttpListenerResponse response, byte[] body, int stopAfter = int.MaxValue)
    {
        var offset = request.Headers["Range"] is { } range
            ? int.Parse(range["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture)
            : 0;
        response.StatusCode = offset > 0 ? 206 : 200;
        response.ContentLength64 = body.Length - offset;
        var end = Math.Min(body.Length, stopAfter);
        response.OutputStream.Write(body, offset, end - offset);
        if (end < body.Length)
        {
            // Promised more than was sent: the client sees the connection die mid-body.
            response.Abort();
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        loop.Wait(TimeSpan.FromSeconds(5));
    }

    private void Serve(Action<HttpListenerRequest, HttpListenerResponse, int> handler)
    {
        for (var number = 0; listener.IsListening; number++)
        {
            HttpListenerContext context;
            try
            {
                context = listener.GetContext();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            ranges.Enqueue(context.Request.Headers["Range"] ?? "none");
            try
            {
                handler(context.Request, context.Response, number);
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                // The handler cut the connection on purpose.
            }
        }
    }
}
