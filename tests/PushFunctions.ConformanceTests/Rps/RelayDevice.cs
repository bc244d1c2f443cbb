using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PushFunctions.ConformanceTests.Rps;

/// <summary>Drives the relay the way the Rhodes ANS client does, asserting each step of the happy path.</summary>
internal sealed class RelayDevice(HttpClient client, string user, string password)
{
    public string User { get; } = user;

    public string Instance { get; private set; } = "";

    public string Cookie { get; private set; } = "";

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    /// <summary>Instance, cookie and a registration for <paramref name="appName"/>; returns the device with its token.</summary>
    public static async Task<(RelayDevice Device, string Token)> ConnectAsync(HttpClient client, string user, string password, string appName)
    {
        var device = new RelayDevice(client, user, password);
        await device.CreateInstanceAsync();
        await device.FetchCookieAsync();
        return (device, await device.RegisterAsync(appName));
    }

    /// <summary>The same device continuing with the instance and cookie it already holds (after a relay restart).</summary>
    public static RelayDevice Resume(HttpClient client, string user, string password, string instance, string cookie) =>
        new(client, user, password) { Instance = instance, Cookie = cookie };

    public HttpRequestMessage Request(HttpMethod method, string path, bool withBasic = true, bool withCookie = true)
    {
        var request = new HttpRequestMessage(method, path);
        if (withBasic)
        {
            request.Headers.Authorization = Basic(User, password);
        }

        if (withCookie && Cookie.Length > 0)
        {
            request.Headers.Add("Cookie", $"instance={Cookie}");
        }

        return request;
    }

    public async Task<string> CreateInstanceAsync()
    {
        using var response = await client.SendAsync(Request(HttpMethod.Post, "/instanceId", withCookie: false));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Instance = await ReadPropertyAsync(response, "instance");
        return Instance;
    }

    public async Task<string> FetchCookieAsync()
    {
        using var response = await client.SendAsync(Request(HttpMethod.Get, $"/instanceId/{Instance}", withCookie: false));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Cookie = InstanceCookieOf(response) ?? throw new InvalidOperationException("No instance cookie was set.");
        return Cookie;
    }

    public async Task<string> RegisterAsync(string appName)
    {
        using var response = await client.SendAsync(Request(HttpMethod.Put, RegistrationPath(appName)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ReadPropertyAsync(response, "token");
    }

    public string RegistrationPath(string appName) => $"/registrations/{Instance}/{User}/{appName}";

    public Task<HttpResponseMessage> PollAsync(long? lastMessage = null, CancellationToken cancellationToken = default)
    {
        var query = lastMessage is null ? "" : $"?lastMessage={lastMessage}";
        return client.SendAsync(Request(HttpMethod.Get, $"/nextMessage/{Instance}{query}", withBasic: false), cancellationToken);
    }

    /// <summary>Polls and expects a message: returns its id, token and data.</summary>
    public async Task<(long Id, string Token, JsonElement Data)> ReceiveAsync(long? lastMessage = null)
    {
        using var response = await PollAsync(lastMessage);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadMessageAsync(response);
    }

    /// <summary>Receives <paramref name="count"/> messages, acknowledging each by polling for the next.</summary>
    public async Task<IReadOnlyList<(long Id, string Token, JsonElement Data)>> ReceiveInOrderAsync(int count)
    {
        var received = new List<(long Id, string Token, JsonElement Data)>();
        long? last = null;
        for (var i = 0; i < count; i++)
        {
            var message = await ReceiveAsync(last);
            received.Add(message);
            last = message.Id;
        }

        return received;
    }

    public static async Task<(long Id, string Token, JsonElement Data)> ReadMessageAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.Equal(3, root.EnumerateObject().Count());
        return (root.GetProperty("id").GetInt64(), root.GetProperty("token").GetString()!, root.GetProperty("data").Clone());
    }

    public static string? InstanceCookieOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(value => value.Split(';')[0]).Where(pair => pair.StartsWith("instance=", StringComparison.Ordinal))
                .Select(pair => pair["instance=".Length..]).FirstOrDefault()
            : null;

    public static async Task<string> ReadPropertyAsync(HttpResponseMessage response, string name)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Single(document.RootElement.EnumerateObject());
        return document.RootElement.GetProperty(name).GetString()!;
    }
}
