using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Pings;
using PushFunctions.Testing;
using PushFunctions.Testing.Gateway;

namespace PushFunctions.IntegrationTests.Delivery;

/// <summary>What the gateway puts on the Storage queue: envelopes the Functions queue trigger can read, small or by reference.</summary>
public sealed class QueueMessageTests
{
    private const int UserCount = 10_000;

    /// <summary>Azurite reads ten thousand user partitions in tens of seconds, far longer on a busy machine.</summary>
    private static readonly TimeSpan DeliveryDeadline = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task A_queued_envelope_is_base64_encoded_json_as_the_functions_queue_trigger_reads_it()
    {
        await using var gateway = await GatewayHost.StartAsync(settings: new Dictionary<string, string?> { ["PushQueue:InProcessConsumer"] = "false" });

        var pingId = await gateway.PingAsync(new("user_id", "someone"), new("message", "encoded"));

        // Read without decoding: the text on the queue itself.
        var raw = Assert.Single((await new QueueClient(AzuriteEnvironment.ConnectionString, gateway.QueueName).PeekMessagesAsync(maxMessages: 32)).Value);
        var envelope = PingEnvelopeJson.Deserialize(Convert.FromBase64String(raw.Body.ToString()));
        Assert.Equal(pingId, Assert.Single(envelope.Pings).Id);
    }

    [Fact]
    public async Task A_ping_to_10000_users_is_stored_as_a_blob_named_by_its_queue_message_and_every_user_is_delivered()
    {
        // Accepted by a gateway that does not consume, so the message can be looked at before delivery.
        await using var accepting = await GatewayHost.StartAsync(settings: new Dictionary<string, string?> { ["PushQueue:InProcessConsumer"] = "false" });
        // Base-36 ids (at most 3 characters) keep ten thousand users inside the 64 KiB ping body.
        var users = Enumerable.Range(0, UserCount).Select(ShortIds.Base36).ToList();
        await accepting.CreateUserAsync(users[7]);
        await accepting.RegisterDeviceAsync(users[7], new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = "by-reference-apple" });
        await accepting.CreateUserAsync(users[^1]);
        await accepting.RegisterDeviceAsync(users[^1], new Dictionary<string, string> { ["device_type"] = "ANDROID", ["device_pin"] = "by-reference-fcm" });

        using var response = await accepting.SendAuthorizedAsync(HttpMethod.Post, "/rc/v1/users/ping",
            new StringContent(JsonSerializer.Serialize(new { user_id = users, message = "to many" }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var pingId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("ping_id").GetString()!;
        var envelopeId = pingId.Split('-')[0];

        var queue = AzuriteEnvironment.Queue(accepting.QueueName);
        var message = Assert.Single((await queue.PeekMessagesAsync(maxMessages: 32)).Value);
        var reference = PingEnvelopeJson.Deserialize(message.Body.ToMemory().Span);
        Assert.True(reference.Stored);
        Assert.Equal(envelopeId, reference.Id);
        Assert.Empty(reference.Pings);
        var blob = await accepting.Services.GetRequiredService<PingStatusStore>().Envelopes.GetBlobClient(envelopeId).DownloadContentAsync();
        Assert.Equal(UserCount, Assert.Single(PingEnvelopeJson.Deserialize(blob.Value.Content.ToMemory().Span).Pings).UserIds.Count);

        // Invisible for as long as the delivery may take: redelivered meanwhile, it would read every partition again.
        await using var delivering = await GatewayHost.StartAsync(
            reuse: accepting.Settings,
            settings: new Dictionary<string, string?> { ["PushQueue:InProcessConsumer"] = "true", ["PushQueue:VisibilityTimeout"] = "00:15:00" });
        var status = await delivering.WaitForPingAsync(pingId, DeliveryDeadline, "done");

        Assert.Equal(UserCount, status.GetProperty("users").GetInt32());
        Assert.Equal(2, status.GetProperty("counts").GetProperty("sent").GetInt32());
        Assert.Equal(UserCount - 2, status.GetProperty("counts").GetProperty("skipped").GetInt32());
        Assert.Equal(["by-reference-apple", "by-reference-fcm"], delivering.LogChannel.Sent.Select(s => s.Handle).Order());
    }
}
