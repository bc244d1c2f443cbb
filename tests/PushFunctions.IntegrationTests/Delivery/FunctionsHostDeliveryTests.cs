using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using PushFunctions.Gateway.Delivery;
using PushFunctions.Testing;
using PushFunctions.Testing.FunctionsHost;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.NotificationHubs;
using PushFunctions.Testing.Storage;

namespace PushFunctions.IntegrationTests.Delivery;

/// <summary>
/// The gateway as the Functions host's custom handler, invoked with the host's own request shapes
/// (<see cref="FunctionsHostInvocation"/>): chunked, the body base64 in Data.message, metadata values as strings.
/// </summary>
public sealed class FunctionsHostDeliveryTests
{
    public static TheoryData<string, string, string> NotEnvelopes => new()
    {
        { FunctionInvocationEndpoints.StorageQueueFunction, "text", "not a ping envelope: not JSON" },
        { FunctionInvocationEndpoints.ServiceBusFunction, "text", "not a ping envelope: not JSON" },
        { FunctionInvocationEndpoints.StorageQueueFunction, "binary", "not a ping envelope: not JSON" },
        { FunctionInvocationEndpoints.ServiceBusFunction, "binary", "not a ping envelope: not JSON" },
        { FunctionInvocationEndpoints.StorageQueueFunction, "wrong shape", "not a ping envelope: a value of the wrong type at $" },
        { FunctionInvocationEndpoints.ServiceBusFunction, "wrong shape", "not a ping envelope: a value of the wrong type at $" },
        { FunctionInvocationEndpoints.StorageQueueFunction, "missing fields", "not a ping envelope: pings[0].user_ids is missing" },
        { FunctionInvocationEndpoints.ServiceBusFunction, "missing fields", "not a ping envelope: pings[0].user_ids is missing" },
        { FunctionInvocationEndpoints.StorageQueueFunction, "stored body gone", "the stored envelope body is gone" },
        { FunctionInvocationEndpoints.ServiceBusFunction, "stored body gone", "the stored envelope body is gone" },
    };

    [Theory]
    [MemberData(nameof(NotEnvelopes))]
    public async Task A_message_that_is_not_an_envelope_is_poisoned_once_with_its_reason_and_answered_200_so_the_host_never_retries_it(
        string function, string kind, string reason)
    {
        await using var gateway = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);
        byte[] body = kind switch
        {
            "text" => Encoding.UTF8.GetBytes("hello, I am not an envelope"),
            "binary" => [0xff, 0x00, 0x81, 0x7b, 0x22],
            "wrong shape" => Encoding.UTF8.GetBytes("""["id","pings"]"""),
            // Delivery used to fail deep inside with a NullReferenceException, answered 503, on every retry.
            "missing fields" => Encoding.UTF8.GetBytes("""{"id":"e1","pings":[{"id":"e1-0"}]}"""),
            _ => Encoding.UTF8.GetBytes($$"""{"id":"{{Guid.CreateVersion7():N}}","pings":[],"stored":true}"""),
        };
        var invocation = function == FunctionInvocationEndpoints.StorageQueueFunction
            ? FunctionsHostInvocation.ForStorageQueueMessage(body, function, 1, "msg-1")
            : FunctionsHostInvocation.ForServiceBusMessage(body, function, 1, "msg-1");

        using var response = await FunctionsHostInvocation.PostAsync(gateway.Client, function, invocation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var logged = Assert.Single(result.RootElement.GetProperty("Logs").EnumerateArray()).GetString()!;
        Assert.EndsWith(": " + reason, logged, StringComparison.Ordinal);
        Assert.Contains("msg-1", logged, StringComparison.Ordinal);
        var poisoned = Assert.Single(await PoisonedBodiesAsync(gateway));
        Assert.Equal(body, poisoned);
        Assert.Contains(gateway.Logs.GetSnapshot(), r => r.Message.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_message_delivered_twice_through_the_functions_host_sends_each_device_once()
    {
        await using var gateway = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);
        var user = "dave-" + Guid.NewGuid().ToString("N")[..8];
        await gateway.CreateUserAsync(user);
        await gateway.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = "dave-pin" });
        var pingId = await gateway.PingAsync(new("user_id", user), new("message", "once"));
        var message = await QueuedMessageAsync(gateway);

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            using var response = await FunctionsHostInvocation.PostAsync(gateway.Client, FunctionInvocationEndpoints.StorageQueueFunction,
                FunctionsHostInvocation.ForStorageQueueMessage(message, FunctionInvocationEndpoints.StorageQueueFunction, attempt));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(JsonValueKind.Object, result.RootElement.GetProperty("Outputs").ValueKind);
        }

        Assert.Single(gateway.LogChannel.Sent, s => s.UserId == user);
        var status = await gateway.WaitForPingAsync(pingId);
        Assert.Equal(2, status.GetProperty("attempts").GetInt32());
        Assert.Equal(1, status.GetProperty("counts").GetProperty("sent").GetInt32());
        Assert.Empty(await PoisonedBodiesAsync(gateway));
    }

    [Fact]
    public async Task A_message_from_the_dead_letter_queue_marks_its_undelivered_pings_failed_with_the_brokers_reason()
    {
        await using var gateway = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);
        var expired = await gateway.PingAsync(new("user_id", "late-user"), new("message", "too late"));
        var message = await QueuedMessageAsync(gateway);

        using var response = await FunctionsHostInvocation.PostAsync(gateway.Client, FunctionInvocationEndpoints.DeadLetterFunction,
            FunctionsHostInvocation.ForServiceBusMessage(message, FunctionInvocationEndpoints.DeadLetterFunction, 0, expired.Split('-')[0],
                """{"DeadLetterReason":"TTLExpiredException","DeadLetterErrorDescription":"The message expired and was dead lettered."}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = await gateway.WaitForPingAsync(expired, "failed");
        Assert.Equal("the queue dead-lettered the message before delivery completed: TTLExpiredException", status.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_dead_lettered_copy_of_a_delivered_message_leaves_its_pings_done()
    {
        await using var gateway = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);
        var pingId = await gateway.PingAsync(new("user_id", "on-time-user"), new("message", "in time"));
        var message = await QueuedMessageAsync(gateway);
        using var delivered = await FunctionsHostInvocation.PostAsync(gateway.Client, FunctionInvocationEndpoints.StorageQueueFunction,
            FunctionsHostInvocation.ForStorageQueueMessage(message, FunctionInvocationEndpoints.StorageQueueFunction, 1));
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);

        using var deadLettered = await FunctionsHostInvocation.PostAsync(gateway.Client, FunctionInvocationEndpoints.DeadLetterFunction,
            FunctionsHostInvocation.ForServiceBusMessage(message, FunctionInvocationEndpoints.DeadLetterFunction, 10, pingId.Split('-')[0],
                """{"DeadLetterReason":"MaxDeliveryCountExceeded","DeadLetterErrorDescription":"Message could not be consumed after 10 delivery attempts."}"""));

        Assert.Equal(HttpStatusCode.OK, deadLettered.StatusCode);
        Assert.Equal("done", (await gateway.WaitForPingAsync(pingId)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_invocation_the_host_would_not_send_is_refused_with_400()
    {
        await using var gateway = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);
        const string function = FunctionInvocationEndpoints.StorageQueueFunction;

        using var noData = await FunctionsHostInvocation.PostAsync(gateway.Client, function, """{"Metadata":{}}""");
        using var notJson = await FunctionsHostInvocation.PostAsync(gateway.Client, function, "{");
        // The string form the host sends without "dataType": "binary": it cannot carry a binary message at all.
        using var notBase64 = await FunctionsHostInvocation.PostAsync(gateway.Client, function, """{"Data":{"message":"\"{\\\"id\\\":\\\"e1\\\"}\""},"Metadata":{"DequeueCount":"1"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, noData.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notBase64.StatusCode);
    }

    /// <summary>The one message the gateway queued, as the bytes the host hands the trigger (base64 undone).</summary>
    [Fact]
    public async Task Two_deliveries_of_one_message_at_once_send_each_of_300_devices_once_because_each_send_is_claimed_first()
    {
        await using var gateway = await GatewayHost.StartAsync(asFunctionsCustomHandler: true);
        var users = new TableClient(AzuriteEnvironment.ConnectionString, gateway.Settings["Storage:TablePrefix"] + "Users");
        var user = Assert.Single(await FanoutSeeder.SeedAsync(users, "claims-" + Guid.NewGuid().ToString("N")[..6] + "-", 1, 300, CancellationToken.None));
        var pingId = await gateway.PingAsync(new("user_id", user), new("message", "once each"));
        var message = await QueuedMessageAsync(gateway);

        var deliveries = Enumerable.Range(1, 2).Select(async attempt =>
        {
            using var response = await FunctionsHostInvocation.PostAsync(gateway.Client, FunctionInvocationEndpoints.StorageQueueFunction,
                FunctionsHostInvocation.ForStorageQueueMessage(message, FunctionInvocationEndpoints.StorageQueueFunction, attempt));
            return response.StatusCode;
        });
        Assert.All(await Task.WhenAll(deliveries), status => Assert.Equal(HttpStatusCode.OK, status));

        // The delivery that lost devices to the other's claims retries them later; here the other recorded them all.
        var sent = gateway.LogChannel.Sent.Where(s => s.UserId == user).ToList();
        Assert.Equal(300, sent.Count);
        Assert.Equal(300, sent.Select(s => s.ClientId).Distinct().Count());
        var status = await gateway.WaitForPingAsync(pingId, "done", "delivering");
        Assert.Equal(300, status.GetProperty("counts").GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task A_delivery_left_waiting_by_an_unavailable_channel_is_sent_again_with_its_backoff_and_attempt_count_and_answered_200()
    {
        await using var hub = await LocalNotificationHub.StartAsync("push-hub");
        await using var gateway = await GatewayHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["NotificationHubs:ConnectionString"] = hub.ConnectionString,
                ["NotificationHubs:HubName"] = "push-hub",
                ["NotificationHubs:MaxRetries"] = "0",
                ["PushQueue:RetryBaseDelay"] = "00:00:04",
            },
            asFunctionsCustomHandler: true);
        var user = "erin-" + Guid.NewGuid().ToString("N")[..8];
        await gateway.CreateUserAsync(user);
        await gateway.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = "erin-pin" });
        var pingId = await gateway.PingAsync(new("user_id", user), new("message", "later"));
        var message = await QueuedMessageAsync(gateway);
        hub.AnswerForRoute(HubRoute.DirectSend, 503);

        using var first = await FunctionsHostInvocation.PostAsync(gateway.Client, FunctionInvocationEndpoints.StorageQueueFunction,
            FunctionsHostInvocation.ForStorageQueueMessage(message, FunctionInvocationEndpoints.StorageQueueFunction, 1));

        // Answered 200, so the host completes the original: the retry is the gateway's own, a message sent with a delay.
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var result = JsonDocument.Parse(await first.Content.ReadAsStringAsync()))
        {
            Assert.Contains("sent again, to be delivered in", Assert.Single(result.RootElement.GetProperty("Logs").EnumerateArray()).GetString(), StringComparison.Ordinal);
        }

        var queue = AzuriteEnvironment.Queue(gateway.QueueName);
        Assert.Single((await queue.PeekMessagesAsync(32)).Value);
        Assert.Equal(2, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        var retry = await RetriedMessageAsync(queue, message);
        using (var original = JsonDocument.Parse(message))
        using (var envelope = JsonDocument.Parse(retry))
        {
            Assert.Equal(1, envelope.RootElement.GetProperty("attempts_before").GetInt32());
            // The same envelope goes on: its trace context, and each ping's, travel with the retry.
            var traceParent = original.RootElement.GetProperty("traceparent").GetString();
            Assert.False(string.IsNullOrEmpty(traceParent));
            Assert.Equal(traceParent, envelope.RootElement.GetProperty("traceparent").GetString());
            Assert.Equal(
                original.RootElement.GetProperty("pings")[0].GetProperty("traceparent").GetString(),
                envelope.RootElement.GetProperty("pings")[0].GetProperty("traceparent").GetString());
        }

        hub.StopAnswering(HubRoute.DirectSend);
        using var second = await FunctionsHostInvocation.PostAsync(gateway.Client, FunctionInvocationEndpoints.StorageQueueFunction,
            FunctionsHostInvocation.ForStorageQueueMessage(retry, FunctionInvocationEndpoints.StorageQueueFunction, 1));

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var status = await gateway.WaitForPingAsync(pingId);
        Assert.Equal(2, status.GetProperty("attempts").GetInt32());
        Assert.Single(hub.Received, r => r.Handle == "erin-pin");
    }

    /// <summary>The message sent for a retry, once its delay has passed and it shows beside the original.</summary>
    private static async Task<byte[]> RetriedMessageAsync(QueueClient queue, byte[] original)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var bodies = (await queue.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToArray()).ToList();
            if (bodies.FirstOrDefault(b => !b.AsSpan().SequenceEqual(original)) is { } retry)
            {
                return retry;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"No retry arrived on {queue.Name}.");
    }

    private static async Task<byte[]> QueuedMessageAsync(GatewayHost gateway)
    {
        var queue = AzuriteEnvironment.Queue(gateway.QueueName);
        for (var i = 0; i < 300; i++)
        {
            var messages = (await queue.PeekMessagesAsync(32)).Value;
            if (messages.Length > 0)
            {
                return Assert.Single(messages).Body.ToArray();
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No message arrived on {queue.Name}.");
    }

    private static async Task<IReadOnlyList<byte[]>> PoisonedBodiesAsync(GatewayHost gateway)
    {
        var poison = AzuriteEnvironment.Queue(gateway.QueueName + "-poison");
        try
        {
            return (await poison.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToArray()).ToList();
        }
        catch (global::Azure.RequestFailedException e) when (e.Status == 404)
        {
            return [];
        }
    }
}
