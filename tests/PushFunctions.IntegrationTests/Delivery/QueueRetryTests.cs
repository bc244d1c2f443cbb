using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using PushFunctions.Azure.Stores;
using PushFunctions.Testing;
using PushFunctions.Testing.Gateway;

namespace PushFunctions.IntegrationTests.Delivery;

public sealed class QueueRetryTests
{
    [Fact]
    public async Task A_message_that_fails_five_times_lands_in_the_poison_queue_and_the_ping_status_says_it_failed()
    {
        await using var gateway = await GatewayHost.StartAsync();
        // A storage fault in the delivery path: the table the fan-out reads is gone.
        await gateway.Services.GetRequiredService<UserStore>().Table.DeleteAsync();

        var pingId = await gateway.PingAsync(new("user_id", "someone"), new("message", "never arrives"));
        var status = await gateway.WaitForPingAsync(pingId, "failed");

        Assert.Equal(5, status.GetProperty("attempts").GetInt32());
        Assert.Contains("gave up after 5 attempts", status.GetProperty("error").GetString(), StringComparison.Ordinal);
        var poison = Queue(gateway.QueueName + "-poison");
        var poisoned = await WaitForMessagesAsync(poison);
        Assert.Contains(pingId.Split('-')[0], Assert.Single(poisoned).Body.ToString(), StringComparison.Ordinal);
        var main = Queue(gateway.QueueName);
        Assert.Equal(0, (await main.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_message_delivered_twice_through_the_functions_host_sends_each_device_once()
    {
        await using var gateway = await GatewayHost.StartAsync(settings: new Dictionary<string, string?> { ["PushQueue:InProcessConsumer"] = "false" });
        var user = "dave-" + Guid.NewGuid().ToString("N")[..8];
        await gateway.CreateUserAsync(user);
        await gateway.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = "dave-pin" });
        var pingId = await gateway.PingAsync(new("user_id", user), new("message", "once"));
        var queue = Queue(gateway.QueueName);
        var message = Assert.Single(await WaitForMessagesAsync(queue));

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            using var response = await gateway.Client.PostAsync("/DeliverFromQueue", Invocation(message.Body.ToString(), attempt));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(result.RootElement.TryGetProperty("Outputs", out _));
        }

        Assert.Single(gateway.LogChannel.Sent, s => s.UserId == user);
        var status = await gateway.WaitForPingAsync(pingId);
        Assert.Equal(2, status.GetProperty("attempts").GetInt32());
        Assert.Equal(1, status.GetProperty("counts").GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task A_message_from_the_dead_letter_queue_marks_its_undelivered_pings_failed_with_the_brokers_reason()
    {
        await using var gateway = await GatewayHost.StartAsync(settings: new Dictionary<string, string?> { ["PushQueue:InProcessConsumer"] = "false" });
        var expired = await gateway.PingAsync(new("user_id", "late-user"), new("message", "too late"));
        var queue = Queue(gateway.QueueName);
        var message = Assert.Single(await WaitForMessagesAsync(queue));

        using var response = await gateway.Client.PostAsync("/DeadLetteredFromServiceBus", new StringContent(JsonSerializer.Serialize(new
        {
            Data = new { message = message.Body.ToString() },
            Metadata = new { DeliveryCount = 0, ApplicationProperties = new { DeadLetterReason = "TTLExpiredException" } },
        }), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = await gateway.WaitForPingAsync(expired, "failed");
        Assert.Equal("the queue dead-lettered the message before delivery completed: TTLExpiredException", status.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_dead_lettered_copy_of_a_delivered_message_leaves_its_pings_done()
    {
        await using var gateway = await GatewayHost.StartAsync(settings: new Dictionary<string, string?> { ["PushQueue:InProcessConsumer"] = "false" });
        var pingId = await gateway.PingAsync(new("user_id", "on-time-user"), new("message", "in time"));
        var queue = Queue(gateway.QueueName);
        var message = Assert.Single(await WaitForMessagesAsync(queue));
        using var delivered = await gateway.Client.PostAsync("/DeliverFromQueue", Invocation(message.Body.ToString(), 1));
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);

        using var deadLettered = await gateway.Client.PostAsync("/DeadLetteredFromServiceBus", Invocation(message.Body.ToString(), 1));

        Assert.Equal(HttpStatusCode.OK, deadLettered.StatusCode);
        Assert.Equal("done", (await gateway.WaitForPingAsync(pingId)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_invocation_without_the_trigger_data_is_refused_with_400()
    {
        await using var gateway = await GatewayHost.StartAsync(settings: new Dictionary<string, string?> { ["PushQueue:InProcessConsumer"] = "false" });

        using var noData = await gateway.Client.PostAsync("/DeliverFromQueue", new StringContent("""{"Metadata":{}}""", Encoding.UTF8, "application/json"));
        using var notJson = await gateway.Client.PostAsync("/DeliverFromQueue", new StringContent("{", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, noData.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    private static StringContent Invocation(string messageText, int dequeueCount) =>
        new(JsonSerializer.Serialize(new
        {
            Data = new { message = messageText },
            Metadata = new { DequeueCount = dequeueCount, Id = Guid.NewGuid().ToString() },
        }), Encoding.UTF8, "application/json");

    /// <summary>The queue as the gateway and the Functions queue trigger read it: base64 message bodies.</summary>
    private static QueueClient Queue(string name) =>
        new(AzuriteEnvironment.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    private static async Task<PeekedMessage[]> WaitForMessagesAsync(QueueClient queue)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                var messages = (await queue.PeekMessagesAsync(maxMessages: 32)).Value;
                if (messages.Length > 0)
                {
                    return messages;
                }
            }
            catch (global::Azure.RequestFailedException e) when (e.Status == 404)
            {
                // Not created yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No message arrived on {queue.Name}.");
    }
}
