using System.Net;
using System.Text.Json;
using PushFunctions.Core.Delivery;
using PushFunctions.Gateway.Channels.NotificationHubs;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.NotificationHubs;
using static PushFunctions.IntegrationTests.NotificationHubs.NotificationHubsGateway;

namespace PushFunctions.IntegrationTests.NotificationHubs;

/// <summary>Pings delivered by the real gateway (Kestrel, Azurite) through the local Notification Hubs server.</summary>
public sealed class NotificationHubsDeliveryTests : LocalHubGatewayTests
{
    private const string ApplePayload = """{"aps":{"alert":"hello world","badge":5,"sound":"hello.mp3","vibrate":"2000"},"do_sync":["Product","Customer"]}""";
    [Fact]
    public async Task Apns_fcm_and_wns_devices_receive_exactly_the_documented_payloads_with_their_format_and_headers()
    {
        var user = await Gateway.NewUserAsync();
        var apple = await Gateway.RegisterAsync(user, "APPLE", "apns-" + user);
        var android = await Gateway.RegisterAsync(user, "ANDROID", "fcm-" + user, ("phone_id", "phone-42"));
        var windows = await Gateway.RegisterAsync(user, "WNS", "https://wns.example/?token=" + user, ("phone_id", "pc-7"));

        var status = await Gateway.PingAsync(user);

        Assert.Equal(3, status.GetProperty("counts").GetProperty("sent").GetInt32());
        var toApple = Assert.Single(Hub.Received, r => r.Handle == "apns-" + user);
        Assert.Equal(("push-hub", "apple", ApplePayload), (toApple.Hub, toApple.Format, toApple.Body));
        Assert.Equal(("alert", "10"), (toApple.Headers["apns-push-type"], toApple.Headers["apns-priority"]));
        var toAndroid = Assert.Single(Hub.Received, r => r.Handle == "fcm-" + user);
        Assert.Equal("fcmv1", toAndroid.Format);
        Assert.Equal(
            """{"message":{"android":{"priority":"high","data":{"do_sync":"Product,Customer","alert":"hello world","badge":"5","sound":"hello.mp3","vibrate":"2000","phone_id":"phone-42"},"notification":{"body":"hello world"}}}}""",
            toAndroid.Body);
        var toWindows = Assert.Single(Hub.Received, r => r.Handle == "https://wns.example/?token=" + user);
        Assert.Equal(("windows", "wns/raw", "application/octet-stream"), (toWindows.Format, toWindows.Headers["X-WNS-Type"], toWindows.ContentType));
        Assert.Equal("""{"do_sync":"Product,Customer","alert":"hello world","badge":"5","sound":"hello.mp3","vibrate":"2000","phone_id":"pc-7"}""", toWindows.Body);

        foreach (var (client, received) in new[] { (apple, toApple), (android, toAndroid), (windows, toWindows) })
        {
            Assert.Equal(received.NotificationId, Device(status, client).GetProperty("notification_id").GetString());
        }
    }

    [Fact]
    public async Task A_silent_ping_goes_to_apns_as_a_background_push_with_priority_5()
    {
        var user = await Gateway.NewUserAsync();
        await Gateway.RegisterAsync(user, "APPLE", "apns-" + user);

        await Gateway.Host.WaitForPingAsync(await Gateway.Host.PingAsync(new("user_id", user), new("sources", "Product")));

        var received = Assert.Single(Hub.Received);
        Assert.Equal("""{"aps":{"content-available":1},"do_sync":["Product"]}""", received.Body);
        Assert.Equal(("background", "5"), (received.Headers["apns-push-type"], received.Headers["apns-priority"]));
    }

    [Fact]
    public async Task Devices_sharing_hub_format_and_payload_go_in_one_batch_and_each_app_to_its_own_hub()
    {
        var user = await Gateway.NewUserAsync();
        for (var i = 0; i < 5; i++)
        {
            await Gateway.RegisterAsync(user, "APPLE", $"default-{i}-{user}");
        }

        await Gateway.RegisterAsync(user, "APPLE", "crm-a-" + user, ("device_app_id", NotificationHubsGateway.CrmApp));
        await Gateway.RegisterAsync(user, "APPLE", "crm-b-" + user, ("device_app_id", NotificationHubsGateway.CrmApp));

        var status = await Gateway.PingAsync(user);

        Assert.Equal(7, status.GetProperty("counts").GetProperty("sent").GetInt32());
        Assert.Equal(2, Hub.RequestCount(HubRoute.DirectBatchSend));
        Assert.Equal(0, Hub.RequestCount(HubRoute.DirectSend));
        Assert.Equal(["crm-a-" + user, "crm-b-" + user], Hub.Received.Where(r => r.Hub == "crm-hub").Select(r => r.Handle).Order());
        Assert.Equal(5, Hub.Received.Count(r => r.Hub == "push-hub"));
    }

    [Fact]
    public async Task A_free_tier_hub_that_refuses_batch_send_gets_direct_sends_and_the_refusal_is_remembered()
    {
        Hub.Tier = HubTier.Free;
        var user = await Gateway.NewUserAsync();
        for (var i = 0; i < 3; i++)
        {
            await Gateway.RegisterAsync(user, "ANDROID", $"fcm-{i}-{user}");
        }

        var first = await Gateway.PingAsync(user);
        var second = await Gateway.PingAsync(user);

        Assert.Equal(3, first.GetProperty("counts").GetProperty("sent").GetInt32());
        Assert.Equal(3, second.GetProperty("counts").GetProperty("sent").GetInt32());
        Assert.Equal(1, Hub.RequestCount(HubRoute.DirectBatchSend));
        Assert.Equal(6, Hub.RequestCount(HubRoute.DirectSend));
    }

    [Theory]
    [InlineData(400, NotificationHubsReasons.BadPayload)]
    [InlineData(413, OutcomeReasons.PayloadTooLarge)]
    public async Task A_final_answer_fails_the_device_with_its_reason_after_one_request(int status, string reason)
    {
        var user = await Gateway.NewUserAsync();
        var client = await Gateway.RegisterAsync(user, "WNS", "https://wns.example/?token=" + user);
        Hub.AnswerForRoute(HubRoute.DirectSend, status);

        var result = await Gateway.PingAsync(user);

        Assert.StartsWith(reason, Device(result, client).GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, Hub.RequestCount(HubRoute.DirectSend));
    }

    [Fact]
    public async Task Throttling_with_retry_after_is_waited_out_and_the_device_is_then_sent()
    {
        var user = await Gateway.NewUserAsync();
        var client = await Gateway.RegisterAsync(user, "APPLE", "apns-" + user);
        Hub.AnswerForRoute(HubRoute.DirectSend, 429, retryAfter: TimeSpan.FromSeconds(1), times: 1);

        var result = await Gateway.PingAsync(user);

        AssertOutcome(result, client, "sent", null);
        Assert.Equal(2, Hub.RequestCount(HubRoute.DirectSend));
    }

    [Fact]
    public async Task A_hub_that_keeps_failing_past_the_client_retries_leaves_the_devices_to_the_next_attempt_which_sends_them()
    {
        var user = await Gateway.NewUserAsync();
        var first = await Gateway.RegisterAsync(user, "APPLE", "a-" + user);
        var second = await Gateway.RegisterAsync(user, "APPLE", "b-" + user);
        // Three requests per attempt (MaxRetries 2): the first attempt gets only 503s, the second gets through.
        Hub.AnswerForRoute(HubRoute.DirectBatchSend, 503, times: 3);

        var result = await Gateway.PingAsync(user);

        AssertOutcome(result, first, "sent", null);
        AssertOutcome(result, second, "sent", null);
        Assert.Equal(2, result.GetProperty("attempts").GetInt32());
        Assert.Equal(4, Hub.RequestCount(HubRoute.DirectBatchSend));
        Assert.Single(Hub.Received, r => r.Handle == "a-" + user);
    }

    [Fact]
    public async Task Rejected_credentials_fail_every_device_once_without_retries_and_turn_healthz_unhealthy()
    {
        await RestartGatewayAsync(Hub.ConnectionStringWithKey(Convert.ToBase64String(new byte[32])));
        var user = await Gateway.NewUserAsync();
        var clients = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await Gateway.RegisterAsync(user, "APPLE", $"apns-{i}-{user}"));
        }

        clients.Add(await Gateway.RegisterAsync(user, "ANDROID", "fcm-" + user));

        var result = await Gateway.PingAsync(user);

        Assert.All(clients, c => AssertOutcome(result, c, "failed", NotificationHubsReasons.CredentialsRejected));
        Assert.Empty(Hub.Received);
        // One request per group (the APNs batch, the FCM device), none repeated.
        Assert.Equal((1, 1), (Hub.RequestCount(HubRoute.DirectBatchSend), Hub.RequestCount(HubRoute.DirectSend)));
        using var health = await Gateway.Host.Client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    [Fact]
    public async Task Without_notification_hubs_configuration_native_devices_go_to_the_log_channel()
    {
        await using var plain = await GatewayHost.StartAsync();
        var user = "nh-" + Guid.NewGuid().ToString("N")[..8];
        await plain.CreateUserAsync(user);
        await plain.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = "log-" + user });

        await plain.WaitForPingAsync(await plain.PingAsync(new("user_id", user), new("message", "hi")));

        Assert.Contains(plain.LogChannel.Sent, s => s.Handle == "log-" + user);
        Assert.Empty(Hub.Received);
    }
}
