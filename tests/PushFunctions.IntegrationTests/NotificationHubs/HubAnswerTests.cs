using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PushFunctions.Gateway.Channels.NotificationHubs;
using PushFunctions.Gateway.Health;
using PushFunctions.Testing.NotificationHubs;
using static PushFunctions.IntegrationTests.NotificationHubs.NotificationHubsGateway;

namespace PushFunctions.IntegrationTests.NotificationHubs;

/// <summary>
/// What the gateway makes of the hub's answers about the hub rather than the devices, as the REST reference's send APIs
/// document them: 404 "no message branch at the URI" (a hub the namespace lacks), 403 "quota exceeded or message too
/// large", and a batch route the tier lacks.
/// </summary>
public sealed class HubAnswerTests : IAsyncLifetime
{
    private LocalNotificationHub _hub = null!;

    public async Task InitializeAsync() => _hub = await LocalNotificationHub.StartAsync("push-hub", "crm-hub");

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_mistyped_hub_setting_fails_its_devices_as_configuration_keeps_their_registrations_and_is_logged_once()
    {
        await using var gateway = await NotificationHubsGateway.StartAsync(_hub, settings: new Dictionary<string, string?> { [$"NotificationHubs:Hubs:{CrmApp}"] = "crm-hubb" });
        var user = await gateway.NewUserAsync();
        var crm = new[]
        {
            await gateway.RegisterAsync(user, "APPLE", "crm-a-" + user, ("device_app_id", CrmApp)),
            await gateway.RegisterAsync(user, "APPLE", "crm-b-" + user, ("device_app_id", CrmApp)),
        };
        var other = await gateway.RegisterAsync(user, "APPLE", "other-" + user);

        var first = await gateway.PingAsync(user);
        var second = await gateway.PingAsync(user);

        foreach (var status in new[] { first, second })
        {
            Assert.All(crm, client => AssertOutcome(status, client, "failed", NotificationHubsReasons.HubNotFound));
            AssertOutcome(status, other, "sent", null);
        }

        foreach (var client in crm)
        {
            var registration = await gateway.RegistrationAsync(client);
            Assert.Null(registration.InvalidReason);
            Assert.StartsWith("crm-", registration.DevicePin, StringComparison.Ordinal);
        }

        // One batch request per ping found the hub missing; no device was tried one by one.
        Assert.Equal((2, 2), (_hub.RequestCount(HubRoute.DirectBatchSend), _hub.RequestCount(HubRoute.DirectSend)));
        using var health = await gateway.Host.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var problem = Assert.Single(gateway.Host.Services.GetRequiredService<ChannelHealth>().Problems).Value;
        Assert.Contains($"NotificationHubs__Hubs__{CrmApp}", problem, StringComparison.Ordinal);
        var logged = Assert.Single(gateway.Logs.Records, r => r.Level == LogLevel.Error && r.Category == typeof(NotificationHubsChannel).FullName);
        Assert.Contains("crm-hubb", logged.Message, StringComparison.Ordinal);
        Assert.Contains(NotificationHubsReasons.HubNotFound, logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pushes_beyond_the_quota_fail_as_quota_exceeded_and_turn_healthz_unhealthy()
    {
        await using var gateway = await NotificationHubsGateway.StartAsync(_hub);
        _hub.PushesLeft = 0;
        var user = await gateway.NewUserAsync();
        var clients = new[] { await gateway.RegisterAsync(user, "APPLE", "a-" + user), await gateway.RegisterAsync(user, "APPLE", "b-" + user) };

        var status = await gateway.PingAsync(user);

        Assert.All(clients, client => AssertOutcome(status, client, "failed", NotificationHubsReasons.QuotaExceeded));
        Assert.Equal((1, 0), (_hub.RequestCount(HubRoute.DirectBatchSend), _hub.RequestCount(HubRoute.DirectSend)));
        using var health = await gateway.Host.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    /// <summary>One status, three meanings, told apart by the error's detail (see NotificationHubErrorDetailsParser).</summary>
    [Theory]
    [InlineData(LocalNotificationHub.QuotaExceededDetail, NotificationHubsReasons.QuotaExceeded, HttpStatusCode.ServiceUnavailable)]
    [InlineData(LocalNotificationHub.MessageTooLargeDetail, "payload too large", HttpStatusCode.OK)]
    [InlineData("", NotificationHubsReasons.CredentialsRejected, HttpStatusCode.ServiceUnavailable)]
    public async Task A_403_on_the_batch_route_fails_the_batch_with_what_its_detail_says_without_resending_it(
        string detail, string reason, HttpStatusCode healthz)
    {
        await using var gateway = await NotificationHubsGateway.StartAsync(_hub);
        _hub.AnswerForRoute(HubRoute.DirectBatchSend, 403, detail: detail);
        var user = await gateway.NewUserAsync();
        var clients = new[] { await gateway.RegisterAsync(user, "ANDROID", "a-" + user), await gateway.RegisterAsync(user, "ANDROID", "b-" + user) };

        var status = await gateway.PingAsync(user);

        Assert.All(clients, client => AssertOutcome(status, client, "failed", reason));
        Assert.Equal((1, 0), (_hub.RequestCount(HubRoute.DirectBatchSend), _hub.RequestCount(HubRoute.DirectSend)));
        using var health = await gateway.Host.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(healthz, health.StatusCode);
    }

    [Fact]
    public async Task A_batch_route_refused_for_the_tier_is_tried_again_after_the_retry_interval()
    {
        await using var gateway = await NotificationHubsGateway.StartAsync(_hub, settings: new Dictionary<string, string?> { ["NotificationHubs:BatchRetryInterval"] = "00:00:01" });
        _hub.Tier = HubTier.Free;
        var user = await gateway.NewUserAsync();
        var clients = new[] { await gateway.RegisterAsync(user, "APPLE", "a-" + user), await gateway.RegisterAsync(user, "APPLE", "b-" + user) };

        var refused = await gateway.PingAsync(user);
        Assert.All(clients, client => AssertOutcome(refused, client, "sent", null));
        Assert.Equal((1, 2), (_hub.RequestCount(HubRoute.DirectBatchSend), _hub.RequestCount(HubRoute.DirectSend)));

        // The namespace moves to Standard; the gateway finds out once the refusal's interval has passed.
        _hub.Tier = HubTier.Standard;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement latest;
        do
        {
            latest = await gateway.PingAsync(user);
        }
        while (_hub.RequestCount(HubRoute.DirectBatchSend) < 2 && DateTime.UtcNow < deadline);

        Assert.Equal(2, _hub.RequestCount(HubRoute.DirectBatchSend));
        Assert.All(clients, client => AssertOutcome(latest, client, "sent", null));
        Assert.Equal(2, _hub.Received.Count(r => r.Route == HubRoute.DirectBatchSend));
    }
}
