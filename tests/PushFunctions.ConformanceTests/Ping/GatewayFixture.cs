using System.Text.Json;
using PushFunctions.Gateway.Channels;
using PushFunctions.Testing.Gateway;

namespace PushFunctions.ConformanceTests.Ping;

/// <summary>One real gateway (Kestrel over Azurite) shared by a test class; each test works with users and devices of its own.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public GatewayHost Host { get; private set; } = null!;

    public HttpClient Client => Host.Client;

    public async Task InitializeAsync() => Host = await GatewayHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public static string NewUserId() => "user-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Creates the user (creating is idempotent) with one new APNs device, whose payload carries do_sync as a JSON array.
    /// The device's handle is unique, so a test finds its own sends even on a shared user.
    /// </summary>
    public async Task<AppleDevice> AddAppleDeviceAsync(string? userId = null)
    {
        var user = userId ?? NewUserId();
        var handle = "apns-" + Guid.NewGuid().ToString("N");
        await Host.CreateUserAsync(user);
        var clientId = await Host.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = handle });
        return new AppleDevice(user, clientId, handle);
    }

    /// <summary>Sends a request exactly as given; the API token header is added unless <paramref name="token"/> is null.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null, string? token = GatewayHost.ApiToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Add("X-RhoConnect-API-TOKEN", token);
        }

        return await Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostAsync(string path, HttpContent? content, string? token = GatewayHost.ApiToken) =>
        SendAsync(HttpMethod.Post, path, content, token);

    /// <summary>Waits until the ping is done and returns the one payload the log channel sent to <paramref name="device"/>.</summary>
    public async Task<JsonElement> DeliveredPayloadAsync(string pingId, AppleDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        await Host.WaitForPingAsync(pingId);
        var sent = Assert.Single(SentTo(device));
        Assert.Equal(device.UserId, sent.UserId);
        using var payload = JsonDocument.Parse(sent.Payload);
        return payload.RootElement.Clone();
    }

    public IEnumerable<SentNotification> SentTo(AppleDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Host.LogChannel.Sent.Where(s => s.Handle == device.Handle).ToList();
    }

    /// <summary>Waits until the ping is done and returns its status document.</summary>
    public Task<JsonElement> StatusWhenDoneAsync(string pingId) => Host.WaitForPingAsync(pingId);
}
