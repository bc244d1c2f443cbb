using PushFunctions.Testing.NotificationHubs;

namespace PushFunctions.IntegrationTests.NotificationHubs;

/// <summary>Tests with a fresh local namespace (<c>push-hub</c>, <c>crm-hub</c>) and a gateway sending through it, per test.</summary>
public abstract class LocalHubGatewayTests : IAsyncLifetime
{
    protected LocalNotificationHub Hub { get; private set; } = null!;

    /// <summary>The gateway; <see cref="RestartGatewayAsync"/> replaces it for a test that needs other settings.</summary>
    protected NotificationHubsGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Hub = await LocalNotificationHub.StartAsync("push-hub", "crm-hub");
        Gateway = await NotificationHubsGateway.StartAsync(Hub);
    }

    /// <summary>Replaces the gateway with one sending through the same namespace with other settings.</summary>
    /// <param name="connectionString">Another connection string than the namespace's own (e.g. a wrong key).</param>
    /// <param name="settings">Settings over the defaults (e.g. a mistyped hub name).</param>
    protected async Task RestartGatewayAsync(string? connectionString = null, IDictionary<string, string?>? settings = null)
    {
        await Gateway.DisposeAsync();
        Gateway = await NotificationHubsGateway.StartAsync(Hub, connectionString, settings);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Hub.DisposeAsync();
    }
}
