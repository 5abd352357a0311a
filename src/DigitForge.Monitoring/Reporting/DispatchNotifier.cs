using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;
using Polly;
using Polly.Retry;

namespace DigitForge.Monitoring.Reporting;

/// <summary>
/// Tells a URL that thresholds were breached: one POST of a body GitHub's <c>repository_dispatch</c>
/// accepts (<c>{"event_type":"drift-detected","client_payload":{...}}</c>), so the retraining
/// workflow's <c>drift-detected</c> trigger is what it sends. Transient failures (no answer, 5xx, 429)
/// are retried with exponential back-off; a bearer token (<see cref="TokenVariable"/>) is sent when set.
/// </summary>
public sealed class DispatchNotifier(HttpClient http, int retries = 4, TimeSpan? firstDelay = null)
{
    public const string EventType = "drift-detected";

    /// <summary>The token sent as <c>Authorization: Bearer</c>: for GitHub, one allowed to dispatch to the repository.</summary>
    public const string TokenVariable = "DIGITFORGE_NOTIFY_TOKEN";

    private static readonly JsonSerializerSettings Json = new() { ContractResolver = new CamelCasePropertyNamesContractResolver(), Formatting = Formatting.None };

    /// <summary>The body sent for <paramref name="report"/>: the event type and, as payload, the pipeline, the judged day, the version serving and every breach.</summary>
    public static string Body(MonitorReport report) => JsonConvert.SerializeObject(
        new
        {
            event_type = EventType,
            client_payload = new
            {
                report.Pipeline,
                Day = report.JudgedDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                Serving = report.ServingAt?.Version,
                Breaches = report.Breaches.Select(b => new { b.Threshold, b.Limit, b.Value, b.Version, b.Message }),
            },
        },
        Json);

    /// <summary>POSTs <paramref name="body"/> to <paramref name="url"/>, retrying transient failures; throws <see cref="HttpRequestException"/> when it cannot be delivered.</summary>
    /// <returns>How many attempts it took.</returns>
    public async Task<int> SendAsync(Uri url, string body, string? token, CancellationToken cancellationToken = default)
    {
        var attempts = 0;
        var pipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = retries,
            BackoffType = DelayBackoffType.Exponential,
            Delay = firstDelay ?? TimeSpan.FromSeconds(1),
            UseJitter = true,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException { StatusCode: null or >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests } or TaskCanceledException),
        }).Build();
        await pipeline.ExecuteAsync(
            async attempt =>
            {
                attempts++;
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.UserAgent.Add(new ProductInfoHeaderValue("DigitForge", "1"));
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
                if (!string.IsNullOrEmpty(token))
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }

                using var response = await http.SendAsync(request, attempt).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
                }
            },
            cancellationToken).ConfigureAwait(false);
        return attempts;
    }
}
