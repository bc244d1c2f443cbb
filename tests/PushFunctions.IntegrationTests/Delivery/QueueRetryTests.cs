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
    public async Task A_message_that_fails_on_every_allowed_attempt_lands_in_the_poison_queue_and_the_ping_status_says_it_failed()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["PushQueue:MaxDeliveryAttempts"] = "5" });
        // A storage fault in the delivery path: the table the fan-out reads is gone.
        await gateway.Services.GetRequiredService<UserStore>().Table.DeleteAsync();

        var pingId = await gateway.PingAsync(new("user_id", "someone"), new("message", "never arrives"));
        var status = await gateway.WaitForPingAsync(pingId, "failed");

        Assert.Equal(5, status.GetProperty("attempts").GetInt32());
        Assert.Contains("gave up after 5 attempts", status.GetProperty("error").GetString(), StringComparison.Ordinal);
        var poison = AzuriteEnvironment.Queue(gateway.QueueName + "-poison");
        var poisoned = await WaitForMessagesAsync(poison);
        Assert.Contains(pingId.Split('-')[0], Assert.Single(poisoned).Body.ToString(), StringComparison.Ordinal);
        // The consumer writes the poison copy first and deletes the original after it: wait for the delete.
        Assert.Equal(0, await WaitForEmptyAsync(AzuriteEnvironment.Queue(gateway.QueueName)));
    }

    [Fact]
    public async Task A_queue_message_that_is_not_an_envelope_is_poisoned_on_its_first_dequeue_with_its_reason_logged()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var main = AzuriteEnvironment.Queue(gateway.QueueName);
        // Fields missing: delivery used to fail with a NullReferenceException and retry it until the poison queue.
        const string notAnEnvelope = """{"id":"e1","pings":[{"id":"e1-0","user_ids":["someone"]}]}""";
        await main.SendMessageAsync(notAnEnvelope);

        var poisoned = Assert.Single(await WaitForMessagesAsync(AzuriteEnvironment.Queue(gateway.QueueName + "-poison")));

        Assert.Equal(notAnEnvelope, poisoned.Body.ToString());
        // The copy is written before the original is deleted (a crash in between keeps a copy): wait for the delete.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await main.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(0, (await main.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        var logged = Assert.Single(gateway.Logs.GetSnapshot(), r => r.Message.Contains("poison", StringComparison.Ordinal));
        Assert.Contains("(dequeue count 1)", logged.Message, StringComparison.Ordinal);
        Assert.EndsWith(": not a ping envelope: pings[0].notification is missing", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ping_too_large_for_one_queue_message_travels_by_reference_and_is_delivered()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var users = Enumerable.Range(0, 5_000).Select(i => $"x{i:D7}").ToList();
        using var response = await gateway.SendAuthorizedAsync(HttpMethod.Post, "/rc/v1/users/ping",
            new StringContent(JsonSerializer.Serialize(new { user_id = users, message = "to many" }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var pingId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("ping_id").GetString()!;

        var status = await gateway.WaitForPingAsync(pingId);

        Assert.Equal(5_000, status.GetProperty("users").GetInt32());
        Assert.Equal(5_000, status.GetProperty("counts").GetProperty("skipped").GetInt32());
        Assert.All(status.GetProperty("devices").EnumerateArray(), d => Assert.Equal("unknown user", d.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task A_queue_message_that_is_not_base64_is_poisoned_as_it_came_without_holding_up_the_pings_behind_it()
    {
        await using var gateway = await GatewayHost.StartAsync();
        // Written by a client that does not encode: the queue's messages are base64, as host.json's messageEncoding says.
        await new QueueClient(AzuriteEnvironment.ConnectionString, gateway.QueueName).SendMessageAsync("{not base64}");
        var pingId = await gateway.PingAsync(new("user_id", "behind-" + Guid.NewGuid().ToString("N")[..8]), new("message", "still delivered"));

        var poisoned = Assert.Single(await WaitForMessagesAsync(AzuriteEnvironment.Queue(gateway.QueueName + "-poison")));

        Assert.Equal("{not base64}", poisoned.Body.ToString());
        Assert.Equal("done", (await gateway.WaitForPingAsync(pingId)).GetProperty("state").GetString());
        var logged = Assert.Single(gateway.Logs.GetSnapshot(), r => r.Message.Contains("poison", StringComparison.Ordinal));
        Assert.EndsWith(": not base64, as the queue's messages must be", logged.Message, StringComparison.Ordinal);
    }

    /// <summary>The queue's approximate message count once it is 0, or the last count after 30 s.</summary>
    private static async Task<int> WaitForEmptyAsync(QueueClient queue)
    {
        var count = -1;
        for (var i = 0; i < 300 && count != 0; i++)
        {
            count = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            if (count != 0)
            {
                await Task.Delay(100);
            }
        }

        return count;
    }

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
