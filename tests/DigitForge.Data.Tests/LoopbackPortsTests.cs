using System.Net;
using System.Net.Sockets;

namespace DigitForge.Data.Tests;

[Trait("Category", "Unit")]
public sealed class LoopbackPortsTests
{
    [Fact]
    public async Task A_listener_whose_port_was_taken_meanwhile_starts_on_another_and_serves()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var takenPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        var picks = new Queue<int>([takenPort, LoopbackPorts.Free()]);

        var (listener, port) = LoopbackPorts.StartListener(picks.Dequeue);
        using (listener)
        {
            port.Should().NotBe(takenPort);
            picks.Should().BeEmpty("the taken port was tried first");
            var answer = Task.Run(async () =>
            {
                var context = await listener.GetContextAsync();
                context.Response.StatusCode = 204;
                context.Response.Close();
            });
            using var client = new HttpClient();
            (await client.GetAsync(new Uri($"http://127.0.0.1:{port}/"))).StatusCode.Should().Be(HttpStatusCode.NoContent);
            await answer;
        }
    }
}
