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

    public async Task<BenchDevice> CreateDeviceAsync(CancellationToken cancellationToken)
    {
        string instance;
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/instanceId"))
        {
            request.Headers.Authorization = deviceAuthorization;
            using var response = await Expect(http.SendAsync(request, cancellationToken), HttpStatusCode.OK);
            instance = await ReadAsync(response, "instance", cancellationToken);
        }

        string cookie;
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/instanceId/{instance}"))
        {
            request.Headers.Authorization = deviceAuthorization;
            using var response = await Expect(http.SendAsync(request, cancellationToken), HttpStatusCode.NoContent);
            cookie = response.Headers.GetValues("Set-Cookie").First().Split(';')[0];
        }

        using (var request = new HttpRequestMessage(HttpMethod.Put, $"/registrations/{instance}/{options.User}/{options.App}"))
        {
            request.Headers.Authorization = deviceAuthorization;
            request.Headers.Add("Cookie", cookie);
            using var response = await Expect(http.SendAsync(request, cancellationToken), HttpStatusCode.Created);
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

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task<HttpResponseMessage> Expect(Task<HttpResponseMessage> sending, HttpStatusCode expected)
    {
        var response = await sending;
        if (response.StatusCode != expected)
        {
            var path = response.RequestMessage?.RequestUri?.AbsolutePath.Split('/').ElementAtOrDefault(1);
            response.Dispose();
            throw new HttpRequestException($"/{path} answered {(int)response.StatusCode}, expected {(int)expected}");
        }

        return response;
    }

    private static async Task<string> ReadAsync(HttpResponseMessage response, string property, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return document.RootElement.GetProperty(property).GetString()!;
    }
}
