using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PushFunctions.LoadGenerator;

/// <summary>The RPS calls the benchmark makes, on a client without a cookie store.</summary>
public sealed class RelayCalls(HttpClient http, RelayBenchmarkOptions options)
{
    private readonly AuthenticationHeaderValue deviceAuthorization = Basic(options.User, options.Password);
    private readonly AuthenticationHeaderValue appAuthorization = Basic(options.App, options.AppPassword);

    /// <summary>An instance, its cookie and a registration, each call retried while the relay answers 503 (storage busy).</summary>
    public async Task<BenchDevice> CreateDeviceAsync(CancellationToken cancellationToken)
    {
        string instance;
        using (var response = await SendAsync(() => Request(HttpMethod.Post, "/instanceId", cookie: null), HttpStatusCode.OK, cancellationToken))
        {
            instance = await ReadAsync(response, "instance", cancellationToken);
        }

        string cookie;
        using (var response = await SendAsync(() => Request(HttpMethod.Get, $"/instanceId/{instance}", cookie: null), HttpStatusCode.NoContent, cancellationToken))
        {
            cookie = response.Headers.GetValues("Set-Cookie").First().Split(';')[0];
        }

        using (var response = await SendAsync(
            () => Request(HttpMethod.Put, $"/registrations/{instance}/{options.User}/{options.App}", cookie), HttpStatusCode.Created, cancellationToken))
        {
            return new BenchDevice(instance, cookie, await ReadAsync(response, "token", cancellationToken));
        }
    }

    public Task<HttpResponseMessage> PollAsync(BenchDevice device, CancellationToken cancellationToken)
    {
        var query = device.LastMessage is { } last ? $"?lastMessage={last}" : "";
        var request = new HttpRequestMessage(HttpMethod.Get, $"/nextMessage/{device.Instance}{query}");
        request.Headers.Add("Cookie", device.Cookie);
        return http.SendAsync(request, cancellationToken);
    }

    /// <summary>Posts exactly what the gateway posts; true when the relay answered 204.</summary>
    public async Task<bool> PostMessageAsync(BenchDevice device, long sequence, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes($$$"""{"data":{"alert":"bench message {{{sequence}}}","do_sync":["Product"]}}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/messageQueue/{device.Token}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = appAuthorization;
        using var response = await http.SendAsync(request, cancellationToken);
        return response.StatusCode == HttpStatusCode.NoContent;
    }

    /// <summary>
    /// The baseline's round trip: a route the server answers without device state or storage (the relay's /healthz, or one
    /// it refuses at once). A refusal is as quick as an answer; a server error would not be the trivial route it stands for.
    /// </summary>
    public async Task GetBaselineAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(options.BaselinePath, cancellationToken);
        if ((int)response.StatusCode >= 500)
        {
            throw new HttpRequestException($"GET {options.BaselinePath} answered {(int)response.StatusCode}");
        }
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private HttpRequestMessage Request(HttpMethod method, string path, string? cookie)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = deviceAuthorization;
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var message = request();
            var response = await http.SendAsync(message, cancellationToken);
            if (response.StatusCode == expected)
            {
                return response;
            }

            response.Dispose();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 10)
            {
                var path = message.RequestUri?.OriginalString.Split('/').ElementAtOrDefault(1);
                throw new HttpRequestException($"/{path} answered {(int)response.StatusCode}, expected {(int)expected}");
            }

            await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
        }
    }

    private static async Task<string> ReadAsync(HttpResponseMessage response, string property, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return document.RootElement.GetProperty(property).GetString()!;
    }
}
