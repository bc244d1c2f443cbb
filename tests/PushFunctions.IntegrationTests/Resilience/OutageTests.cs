using System.Diagnostics;
using System.Net;
using System.Text.Json;
using PushFunctions.Testing;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.NotificationHubs;

namespace PushFunctions.IntegrationTests.Resilience;

/// <summary>
/// Outages longer than the give-up budget delivery used to have: five attempts, 2 s apart under the Functions host's
/// Storage-queue trigger (host.json visibilityTimeout) or 2, 4, 8 and 16 s apart standalone, so about 30 s. The retry
/// ceiling is shortened to 8 s so the tests end soon after the outage does; the outage itself is real time.
/// </summary>
public sealed class OutageTests
{
    private static readonly TimeSpan OldBudget = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Outage = OldBudget + TimeSpan.FromSeconds(15);

    [Fact]
    public async Task While_storage_is_frozen_a_ping_gets_503_within_ten_seconds_and_every_ping_accepted_before_is_delivered_once_per_device_after_it_resumes()
    {
        await using var azurite = await PrivateAzurite.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["PushQueue:MaxRetryDelay"] = "00:00:08",
            ["PushQueue:VisibilityTimeout"] = "00:00:06",
        });
        var user = "frozen-" + Guid.NewGuid().ToString("N")[..8];
        await gateway.CreateUserAsync(user);
        var clients = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await gateway.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = $"pin-{i}-{user}" }));
        }

        // Accepted just before storage stops answering: some are still being delivered when it does.
        var accepted = new List<(string PingId, string Message)>();
        for (var i = 0; i < 5; i++)
        {
            var message = $"before-freeze-{i}";
            accepted.Add((await gateway.PingAsync(new("user_id", user), new("message", message)), message));
        }

        azurite.Freeze();
        try
        {
            var clock = Stopwatch.StartNew();
            using var refused = await gateway.SendAuthorizedAsync(HttpMethod.Post, "/rc/v1/users/ping", new FormUrlEncodedContent([new("user_id", user), new("message", "during-freeze")]));
            var answeredAfter = clock.Elapsed;

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("5", refused.Headers.GetValues("Retry-After").Single());
            Assert.True(answeredAfter < TimeSpan.FromSeconds(10), $"answered after {answeredAfter.TotalSeconds:F1} s");

            // The outage is what is tested: storage stays frozen for longer than delivery used to hold out.
            await Task.Delay(Outage - clock.Elapsed);
        }
        finally
        {
            azurite.Resume();
        }

        foreach (var (pingId, message) in accepted)
        {
            var status = await gateway.WaitForPingAsync(pingId, "done", "failed");
            Assert.Equal("done", status.GetProperty("state").GetString());
            Assert.Equal(3, status.GetProperty("counts").GetProperty("sent").GetInt32());
            foreach (var client in clients)
            {
                Assert.Single(gateway.LogChannel.Sent, s => s.ClientId == client && s.Payload.Contains($"\"{message}\"", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task A_notification_hubs_outage_longer_than_the_old_budget_leaves_the_devices_waiting_and_they_are_sent_once_when_it_ends()
    {
        await using var hub = await LocalNotificationHub.StartAsync("push-hub");
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["NotificationHubs:ConnectionString"] = hub.ConnectionString,
            ["NotificationHubs:HubName"] = "push-hub",
            ["NotificationHubs:MaxRetries"] = "1",
            ["NotificationHubs:RetryDelay"] = "00:00:00.020",
            ["PushQueue:MaxRetryDelay"] = "00:00:08",
        });
        var user = "hub-outage-" + Guid.NewGuid().ToString("N")[..8];
        await gateway.CreateUserAsync(user);
        var handles = Enumerable.Range(0, 3).Select(i => $"apns-{i}-{user}").ToList();
        foreach (var handle in handles)
        {
            await gateway.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = handle });
        }

        hub.AnswerForRoute(HubRoute.DirectBatchSend, 503);
        var clock = Stopwatch.StartNew();
        var pingId = await gateway.PingAsync(new("user_id", user), new("message", "during the outage"));

        JsonElement waiting;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            waiting = await StatusAsync(gateway, pingId);
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"still waiting after 3 minutes: {waiting}");
        }
        while (clock.Elapsed < Outage || waiting.GetProperty("attempts").GetInt32() <= 5);

        Assert.Equal("delivering", waiting.GetProperty("state").GetString());
        Assert.StartsWith("3 devices: notification hubs answered 503", waiting.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(hub.Received);

        hub.StopAnswering(HubRoute.DirectBatchSend);
        var done = await gateway.WaitForPingAsync(pingId, "done", "failed");

        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.Equal(3, done.GetProperty("counts").GetProperty("sent").GetInt32());
        Assert.All(handles, handle => Assert.Single(hub.Received, r => r.Handle == handle));
    }

    private static async Task<JsonElement> StatusAsync(GatewayHost gateway, string pingId)
    {
        using var response = await gateway.SendAuthorizedAsync(HttpMethod.Get, $"/rc/v1/pings/{pingId}");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
