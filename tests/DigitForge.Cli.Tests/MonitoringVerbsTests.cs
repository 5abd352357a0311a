using System.Net;
using System.Text;
using DigitForge.Engine.Hashing;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Store;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

namespace DigitForge.Cli.Tests;

/// <summary>
/// <c>digitforge feedback</c> and <c>digitforge monitor</c> as real processes over a real registry and prediction
/// log: labels joined to logged predictions, live accuracy against the promoted figure, the breach's exit code
/// and line, and the drift-detected event delivered to a loopback server that fails once.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class MonitoringVerbsTests : IDisposable
{
    // Judged: the day before --at, with the version promoted (now) before it.
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow.AddMinutes(5);
    private static readonly DateTimeOffset Scored = new(At.UtcDateTime.Date.AddDays(-1).AddHours(10), TimeSpan.Zero);
    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Feedback_lowers_live_accuracy_and_monitor_alerts_and_notifies()
    {
        var version = Promote(accuracy: 0.99);
        var images = temp.File("incoming");
        Directory.CreateDirectory(images);
        var labels = new StringBuilder("path,label\n");
        using (var store = SqliteMonitorStore.Open(temp.File("artifacts/mnist/monitor.db")))
        {
            var records = new List<PredictionRecord>();
            for (var i = 0; i < 60; i++)
            {
                var file = Path.Combine(images, $"{i:D3}.png");
                File.WriteAllBytes(file, [(byte)i, 1, 2, 3]);
                records.Add(new PredictionRecord(file, Scored, "mnist", version, "fp32", PredictionRecord.HashOf(File.ReadAllBytes(file)), "7", 0.99, null, "score"));

                // 45 of 60 right: 75 %.
                labels.Append(System.Globalization.CultureInfo.InvariantCulture, $"incoming/{i:D3}.png,{(i < 45 ? "7" : "1")}\n");
            }

            store.Append(records);
        }

        labels.Append("incoming/never-scored.png,3\nincoming/000.png,x\n");
        File.WriteAllText(temp.File("labels.csv"), labels.ToString());

        var feedback = Run("feedback", "--input", temp.File("labels.csv"));
        var (server, port) = LoopbackPorts.StartListener();
        using var _ = server;
        var bodies = new List<string>();
        var answering = Task.Run(async () =>
        {
            for (var attempt = 1; attempt <= 2; attempt++)
            {
                var context = await server.GetContextAsync();
                using (var reader = new StreamReader(context.Request.InputStream))
                {
                    bodies.Add(await reader.ReadToEndAsync());
                }

                // The first attempt fails as a busy server does: the notifier retries.
                context.Response.StatusCode = attempt == 1 ? 503 : 204;
                context.Response.Close();
            }
        });
        var monitor = Run("monitor", "--at", At.ToString("O"), "--set", "monitor.minVolume=50", "--notify", $"http://127.0.0.1:{port}/dispatches");
        monitor.Code.Should().Be(5, $"{feedback.Output}{feedback.Error}{monitor.Output}{monitor.Error}");
        await answering.WaitAsync(TimeSpan.FromSeconds(30));
        var json = Run("monitor", "--at", At.ToString("O"), "--set", "monitor.minVolume=50", "--json");

        feedback.Code.Should().Be(4, feedback.Error);
        feedback.Output.Should().Contain("60 recorded, 2 not recorded").And.Contain("label outside the classes: 1").And.Contain("unknown id (never predicted): 1");
        monitor.Code.Should().Be(5, monitor.Error);
        monitor.Output.Should().Contain($"{Scored:yyyy-MM-dd}  {version}").And.Contain("75.00 %").And.Contain($"serving at {At:yyyy-MM-ddTHH:mm:ssZ}: {version} (Promoted ");
        monitor.Error.Should().Contain($"monitor.maxAccuracyDrop breached: {version} live accuracy 75.00 % on {Scored:yyyy-MM-dd} is 24.00 points below its promoted 99.00 % (allowed 2.00)")
            .And.Contain($"notified http://127.0.0.1:{port}/dispatches (drift-detected, 2 attempts)");
        bodies.Should().HaveCount(2);
        var dispatch = JObject.Parse(bodies[1]);
        dispatch["event_type"]!.Value<string>().Should().Be("drift-detected");
        dispatch["client_payload"]!["pipeline"]!.Value<string>().Should().Be("mnist");
        dispatch["client_payload"]!["breaches"]![0]!["threshold"]!.Value<string>().Should().Be("monitor.maxAccuracyDrop");
        json.Code.Should().Be(5);
        JObject.Parse(json.Output)["days"]![0]!["liveAccuracy"]!.Value<double>().Should().Be(0.75);
    }

    public void Dispose() => temp.Dispose();

    private string Promote(double accuracy)
    {
        var store = new ModelStore(temp.File("artifacts/mnist/models"));
        var version = store.Add(ContentHash.OfText("model"), folder => File.WriteAllText(Path.Combine(folder, "model.onnx"), "model"), new JObject()).Version;
        var registry = new ModelRegistry(store);
        registry.Register(version, new ModelMetrics(accuracy, 0.9, 1, "test-set"));
        registry.Promote(version.Number, new GateDecision([new GateCheck("test", true, "passes")]));
        return version.Name;
    }

    private (int Code, string Output, string Error) Run(params string[] arguments) =>
        CliProcess.Run(temp.Path, [.. arguments, "--root", CommandsMatrixTests.FindRoot(), "--artifacts", temp.File("artifacts")]);
}
