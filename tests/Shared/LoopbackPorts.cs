using System.Net;
using System.Net.Sockets;

namespace DigitForge.Tests.Shared;

/// <summary>
/// Ports on 127.0.0.1 for the tests' servers. A port found free can be taken by another process before the
/// server binds it (tests run side by side), so whoever binds must be ready to try another: processes
/// started on one (Azurite, the service) start again when they report it taken, and in-process HTTP
/// listeners start through <see cref="StartListener"/>.
/// </summary>
public static class LoopbackPorts
{
    private const int Attempts = 5;

    /// <summary>A port nothing listened on a moment ago.</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>An <see cref="HttpListener"/> started on <c>http://127.0.0.1:{port}/</c>, on another port when the first one was taken meanwhile.</summary>
    public static (HttpListener Listener, int Port) StartListener() => StartListener(Free);

    /// <summary><see cref="StartListener()"/> with the ports tried chosen by <paramref name="pick"/>.</summary>
    public static (HttpListener Listener, int Port) StartListener(Func<int> pick)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = pick();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < Attempts)
            {
                listener.Close();
            }
        }
    }
}
