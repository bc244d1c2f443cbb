using PushFunctions.Testing.NotificationHubs;

namespace PushFunctions.IntegrationTests.NotificationHubs;

/// <summary>Tests with a fresh local namespace (<c>push-hub</c>, <c>crm-hub</c>) and a gateway sending through it, per test.</summary>
public abstract class LocalHubGatewayTests : IAsyncLifetime
{
    protected LocalNotificationHub Hub { get; private set; } = null!;

    /// <summary>The gateway; a test may replace it (disposing the old one) to run with other settings.</summary>
    protected NotificationHubsGateway Gateway { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Hub = await LocalNotificationHub.StartAsync("push-hub", "crm-hub");
        Gateway = await NotificationHubsGateway.StartAsync(Hub);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Hub.DisposeAsync();
    }
}
