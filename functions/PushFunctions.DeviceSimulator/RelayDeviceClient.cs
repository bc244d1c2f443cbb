using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PushFunctions.DeviceSimulator;

/// <summary>The device side of the RPS protocol, in the order the Rhodes ANS client calls it.</summary>
public sealed class RelayDeviceClient(HttpClient http, Uri relay, string user, string password)
{
    private string cookie = "";

    public string Instance { get; private set; } = "";

    /// <summary>Instance, cookie and app registration; returns the token to register with the gateway as <c>device_pin</c>.</summary>
    public async Task<string> ConnectAsync(string appName, CancellationToken cancellationToken)
    {
        using (var created = await SendAsync(HttpMethod.Post, "instanceId", withBasic: true, cancellationToken))
        {
            Instance = await ReadStringAsync(created, HttpStatusCode.OK, "instance", cancellationToken);
        }

        await RefreshCookieAsync(cancellationToken);
        using var registered = await SendAsync(HttpMethod.Put, $"registrations/{Instance}/{Uri.EscapeDataString(user)}/{Uri.EscapeDataString(appName)}", withBasic: true, cancellationToken);
        return await ReadStringAsync(registered, HttpStatusCode.Created, "token", cancellationToken);
    }

    public async Task RefreshCookieAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"instanceId/{Instance}", withBasic: true, cancellationToken);
        Expect(response, HttpStatusCode.NoContent);
        cookie = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(value => value.Split(';')[0]).FirstOrDefault(pair => pair.StartsWith("instance=", StringComparison.Ordinal)) ?? ""
            : "";
        if (cookie.Length == 0)
        {
            throw new HttpRequestException("The relay set no instance cookie.");
        }
    }

    /// <summary>One long poll, acknowledging <paramref name="lastMessage"/>.</summary>
    public Task<HttpResponseMessage> PollAsync(long? lastMessage, CancellationToken cancellationToken)
    {
        var query = lastMessage is null ? "" : $"?lastMessage={lastMessage}";
        return SendAsync(HttpMethod.Get, $"nextMessage/{Instance}{query}", withBasic: false, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, bool withBasic, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(relay, path));
        if (withBasic)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        if (cookie.Length > 0)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await http.SendAsync(request, cancellationToken);
    }

    private static async Task<string> ReadStringAsync(HttpResponseMessage response, HttpStatusCode expected, string property, CancellationToken cancellationToken)
    {
        Expect(response, expected);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return document.RootElement.GetProperty(property).GetString()
            ?? throw new HttpRequestException($"The relay's answer has no {property}.");
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new HttpRequestException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath.Split('/').ElementAtOrDefault(1)} answered {(int)response.StatusCode}, expected {(int)expected}.",
                null,
                response.StatusCode);
        }
    }
}
