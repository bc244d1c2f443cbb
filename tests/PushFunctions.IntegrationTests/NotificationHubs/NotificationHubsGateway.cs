using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Registrations;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.Logging;
using PushFunctions.Testing.NotificationHubs;

namespace PushFunctions.IntegrationTests.NotificationHubs;

/// <summary>
/// The real gateway (Kestrel, Azurite) sending through a local hub namespace with the hubs <c>push-hub</c> (the
/// default) and <c>crm-hub</c> (for <c>com.example.crm</c>), with short retry and telemetry delays and captured logs.
/// </summary>
public sealed class NotificationHubsGateway(GatewayHost host) : IAsyncDisposable
{
    public const string CrmApp = "com.example.crm";

    public GatewayHost Host { get; } = host;

    public CapturedLogs Logs => Host.Services.GetRequiredService<CapturedLogs>();

    /// <param name="hub">The namespace to send through.</param>
    /// <param name="connectionString">Another connection string than the namespace's own (e.g. a wrong key).</param>
    /// <param name="settings">Settings over the defaults (e.g. a mistyped hub name).</param>
    public static async Task<NotificationHubsGateway> StartAsync(
        LocalNotificationHub hub, string? connectionString = null, IDictionary<string, string?>? settings = null)
    {
        var effective = new Dictionary<string, string?>
        {
            ["NotificationHubs:ConnectionString"] = connectionString ?? hub.ConnectionString,
            ["NotificationHubs:HubName"] = "push-hub",
            [$"NotificationHubs:Hubs:{CrmApp}"] = "crm-hub",
            ["NotificationHubs:MaxRetries"] = "2",
            ["NotificationHubs:RetryDelay"] = "00:00:00.020",
            ["NotificationHubs:FeedbackDelay"] = "00:00:00.050",
            ["NotificationHubs:FeedbackPollInterval"] = "00:00:00.100",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            effective[name] = value;
        }

        return new NotificationHubsGateway(await GatewayHost.StartAsync(effective, services => services.AddCapturedLogs()));
    }

    public static JsonElement Device(JsonElement status, string clientId) =>
        Assert.Single(status.GetProperty("devices").EnumerateArray(), d => d.GetProperty("client_id").GetString() == clientId);

    public static void AssertOutcome(JsonElement status, string clientId, string outcome, string? reason)
    {
        var device = Device(status, clientId);
        Assert.Equal(outcome, device.GetProperty("outcome").GetString());
        Assert.Equal(reason, device.GetProperty("reason").GetString());
    }

    public async Task<string> NewUserAsync()
    {
        var user = "nh-" + Guid.NewGuid().ToString("N")[..8];
        await Host.CreateUserAsync(user);
        return user;
    }

    /// <summary>Creates a client for <paramref name="user"/> registered with a device type, a push handle and further fields.</summary>
    public Task<string> RegisterAsync(string user, string deviceType, string pin, params (string Name, string Value)[] fields) =>
        Host.RegisterDeviceAsync(user, Fields(("device_type", deviceType), ("device_pin", pin)).Concat(Fields(fields)).ToDictionary());

    /// <summary>The device registers again, as an app does when its push service hands it a new handle.</summary>
    public async Task RegisterAgainAsync(string clientId, string pin)
    {
        using var response = await Host.SendAuthorizedAsync(HttpMethod.Post, $"/rc/v1/clients/{clientId}/register", new FormUrlEncodedContent([new("device_pin", pin)]));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Pings the user with an alert, badge, sound, vibrate and sources and waits until the ping is done.</summary>
    public async Task<JsonElement> PingAsync(string user) =>
        await Host.WaitForPingAsync(await Host.PingAsync(
            new("user_id", user), new("message", "hello world"), new("badge", "5"), new("sound", "hello.mp3"),
            new("vibrate", "2000"), new("sources", "Product,Customer")));

    /// <summary>The client's registration as stored now.</summary>
    public async Task<ClientRegistration> RegistrationAsync(string clientId) =>
        await Host.Services.GetRequiredService<RegistrationStore>().GetAsync(clientId) ?? throw new InvalidOperationException($"Client {clientId} is not stored.");

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private static IEnumerable<KeyValuePair<string, string>> Fields(params (string Name, string Value)[] fields) =>
        fields.Select(field => KeyValuePair.Create(field.Name, field.Value));
}
