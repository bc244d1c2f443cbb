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
public sealed class HubAnswerTests : LocalHubGatewayTests
{
    /// <summary>One device of the app goes as a direct send, two as a direct batch: both routes answer 404 for the missing hub.</summary>
    [Theory]
    [InlineData(1, 0, 4)]
    [InlineData(2, 2, 2)]
    public async Task A_mistyped_hub_setting_fails_its_devices_as_configuration_keeps_their_registrations_and_is_logged_once(
        int crmDevices, int batchRequests, int directRequests)
    {
        await RestartGatewayAsync(settings: new Dictionary<string, string?> { [$"NotificationHubs:Hubs:{CrmApp}"] = "crm-hubb" });
        var user = await Gateway.NewUserAsync();
        var crm = new List<string>();
        for (var i = 0; i < crmDevices; i++)
        {
            crm.Add(await Gateway.RegisterAsync(user, "APPLE", $"crm-{i}-" + user, ("device_app_id", CrmApp)));
        }

        var other = await Gateway.RegisterAsync(user, "APPLE", "other-" + user);

        var first = await Gateway.PingAsync(user);
        var second = await Gateway.PingAsync(user);

        foreach (var status in new[] { first, second })
        {
            Assert.All(crm, client => AssertOutcome(status, client, "failed", NotificationHubsReasons.HubNotFound));
            AssertOutcome(status, other, "sent", null);
        }

        foreach (var client in crm)
        {
            var registration = await Gateway.RegistrationAsync(client);
            Assert.Null(registration.InvalidReason);
            Assert.StartsWith("crm-", registration.DevicePin, StringComparison.Ordinal);
        }

        // One request per ping found the hub missing (the other app's device is a direct send of its own); no device
        // of a missing hub's batch was tried one by one.
        Assert.Equal((batchRequests, directRequests), (Hub.RequestCount(HubRoute.DirectBatchSend), Hub.RequestCount(HubRoute.DirectSend)));
        using var health = await Gateway.Host.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var problem = Assert.Single(Gateway.Host.Services.GetRequiredService<ChannelHealth>().Problems).Value;
        Assert.Contains($"NotificationHubs__Hubs__{CrmApp}", problem, StringComparison.Ordinal);
        var logged = Assert.Single(Gateway.Logs.Records, r => r.Level == LogLevel.Error && r.Category == typeof(NotificationHubsChannel).FullName);
        Assert.Contains("crm-hubb", logged.Message, StringComparison.Ordinal);
        Assert.Contains(NotificationHubsReasons.HubNotFound, logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pushes_beyond_the_quota_fail_as_quota_exceeded_and_turn_healthz_unhealthy()
    {
        Hub.PushesLeft = 0;
        var user = await Gateway.NewUserAsync();
        var clients = new[] { await Gateway.RegisterAsync(user, "APPLE", "a-" + user), await Gateway.RegisterAsync(user, "APPLE", "b-" + user) };

        var status = await Gateway.PingAsync(user);

        Assert.All(clients, client => AssertOutcome(status, client, "failed", NotificationHubsReasons.QuotaExceeded));
        Assert.Equal((1, 0), (Hub.RequestCount(HubRoute.DirectBatchSend), Hub.RequestCount(HubRoute.DirectSend)));
        using var health = await Gateway.Host.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    /// <summary>
    /// One status, three meanings, told apart by the error's detail (see NotificationHubErrorDetailsParser), on the
    /// direct route (one device) as on the batch route (two devices).
    /// </summary>
    [Theory]
    [InlineData(HubRoute.DirectSend, LocalNotificationHub.QuotaExceededDetail, NotificationHubsReasons.QuotaExceeded, HttpStatusCode.ServiceUnavailable)]
    [InlineData(HubRoute.DirectSend, LocalNotificationHub.MessageTooLargeDetail, "payload too large", HttpStatusCode.OK)]
    [InlineData(HubRoute.DirectSend, "", NotificationHubsReasons.CredentialsRejected, HttpStatusCode.ServiceUnavailable)]
    [InlineData(HubRoute.DirectBatchSend, LocalNotificationHub.QuotaExceededDetail, NotificationHubsReasons.QuotaExceeded, HttpStatusCode.ServiceUnavailable)]
    [InlineData(HubRoute.DirectBatchSend, LocalNotificationHub.MessageTooLargeDetail, "payload too large", HttpStatusCode.OK)]
    [InlineData(HubRoute.DirectBatchSend, "", NotificationHubsReasons.CredentialsRejected, HttpStatusCode.ServiceUnavailable)]
    public async Task A_403_fails_its_devices_with_what_its_detail_says_without_resending_them(
        HubRoute route, string detail, string reason, HttpStatusCode healthz)
    {
        Hub.AnswerForRoute(route, 403, detail: detail);
        var user = await Gateway.NewUserAsync();
        var clients = new List<string> { await Gateway.RegisterAsync(user, "ANDROID", "a-" + user) };
        if (route == HubRoute.DirectBatchSend)
        {
            clients.Add(await Gateway.RegisterAsync(user, "ANDROID", "b-" + user));
        }

        var status = await Gateway.PingAsync(user);

        Assert.All(clients, client => AssertOutcome(status, client, "failed", reason));
        Assert.Equal(1, Hub.RequestCount(route));
        Assert.Equal(1, Hub.RequestCount(HubRoute.DirectBatchSend) + Hub.RequestCount(HubRoute.DirectSend));
        using var health = await Gateway.Host.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(healthz, health.StatusCode);
    }

    [Fact]
    public async Task A_batch_route_refused_for_the_tier_is_tried_again_after_the_retry_interval()
    {
        await RestartGatewayAsync(settings: new Dictionary<string, string?> { ["NotificationHubs:BatchRetryInterval"] = "00:00:01" });
        Hub.Tier = HubTier.Free;
        var user = await Gateway.NewUserAsync();
        var clients = new[] { await Gateway.RegisterAsync(user, "APPLE", "a-" + user), await Gateway.RegisterAsync(user, "APPLE", "b-" + user) };

        var refused = await Gateway.PingAsync(user);
        Assert.All(clients, client => AssertOutcome(refused, client, "sent", null));
        Assert.Equal((1, 2), (Hub.RequestCount(HubRoute.DirectBatchSend), Hub.RequestCount(HubRoute.DirectSend)));

        // The namespace moves to Standard; the gateway finds out once the refusal's interval has passed.
        Hub.Tier = HubTier.Standard;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement latest;
        do
        {
            latest = await Gateway.PingAsync(user);
        }
        while (Hub.RequestCount(HubRoute.DirectBatchSend) < 2 && DateTime.UtcNow < deadline);

        Assert.Equal(2, Hub.RequestCount(HubRoute.DirectBatchSend));
        Assert.All(clients, client => AssertOutcome(latest, client, "sent", null));
        Assert.Equal(2, Hub.Received.Count(r => r.Route == HubRoute.DirectBatchSend));
    }
}
