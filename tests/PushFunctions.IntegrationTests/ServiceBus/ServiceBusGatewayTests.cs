using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PushFunctions.Azure.Stores;
using PushFunctions.Gateway.Delivery;
using PushFunctions.Testing.FunctionsHost;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.ServiceBus;

namespace PushFunctions.IntegrationTests.ServiceBus;

/// <summary>
/// The gateway with PushQueue:Transport=ServiceBus sending over AMQP to the local namespace, run as the Functions host's
/// custom handler, and delivery as the host's serviceBusTrigger invokes it: the queued message POSTed to
/// /DeliverFromServiceBus in the host's invocation payload (nothing in the process receives from Service Bus under the host).
/// </summary>
public sealed class ServiceBusGatewayTests : IAsyncLifetime
{
    private const int MaxDeliveryAttempts = 10;
    private LocalServiceBus _bus = null!;
    private GatewayHost _gateway = null!;
    private string _queue = null!;

    public async Task InitializeAsync()
    {
        _queue = "pings-" + Guid.NewGuid().ToString("N")[..8];
        _bus = LocalServiceBus.Start([_queue]);
        _gateway = await StartGatewayAsync(_bus.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _bus.DisposeAsync();
    }

    [Fact]
    public async Task An_accepted_ping_is_a_message_whose_id_is_its_envelope_with_a_one_day_time_to_live()
    {
        var pingId = await _gateway.PingAsync(new("user_id", "someone"), new("message", "hello"));

        var message = Assert.Single(_bus.Messages(_queue));
        Assert.Equal(pingId.Split('-')[0], message.MessageId);
        Assert.Equal(TimeSpan.FromDays(1), message.TimeToLive);
        Assert.Contains("hello", message.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pings_accepted_together_leave_in_shared_batches_and_each_is_queued_once()
    {
        await using var oneSlot = await StartGatewayAsync(_bus.ConnectionString, ("PushQueue:MaxConcurrentSends", "1"), ("PushQueue:MaxPingsPerEnvelope", "10"));

        var pingIds = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => oneSlot.PingAsync(new("user_id", $"user{i}"), new("message", "together"))));

        var messages = _bus.Messages(_queue);
        Assert.Equal(pingIds.Select(id => id.Split('-')[0]).Distinct().Order(), messages.Select(m => m.MessageId).Order());
        // One send slot: while a batch is on its way, the pings arriving meanwhile fill the next one.
        Assert.True(_bus.Transfers(_queue) < messages.Count, $"{_bus.Transfers(_queue)} sends for {messages.Count} envelopes");
    }

    [Fact]
    public async Task A_message_invoked_as_the_functions_host_does_is_delivered_and_the_ping_is_done()
    {
        var user = "sb-" + Guid.NewGuid().ToString("N")[..8];
        await _gateway.CreateUserAsync(user);
        await _gateway.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = "sb-pin" });
        var pingId = await _gateway.PingAsync(new("user_id", user), new("message", "through service bus"));
        var message = Assert.Single(_bus.Messages(_queue));

        using var response = await InvokeAsync(message, deliveryCount: 1);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(result.RootElement.TryGetProperty("Outputs", out _));
        Assert.Single(_gateway.LogChannel.Sent, s => s.UserId == user);
        var status = await _gateway.WaitForPingAsync(pingId);
        Assert.Equal(1, status.GetProperty("counts").GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task A_failing_delivery_is_retried_and_marked_failed_only_on_its_last_attempt()
    {
        var pingId = await _gateway.PingAsync(new("user_id", "someone"), new("message", "never arrives"));
        var message = Assert.Single(_bus.Messages(_queue));
        // A storage fault in the delivery path: the table the fan-out reads is gone.
        await _gateway.Services.GetRequiredService<UserStore>().Table.DeleteAsync();

        using var early = await InvokeAsync(message, deliveryCount: MaxDeliveryAttempts - 1);
        var afterEarly = await StateAsync(pingId);
        using var last = await InvokeAsync(message, deliveryCount: MaxDeliveryAttempts);

        // Not the last attempt: the gateway scheduled a retry message of its own and answered 200, so the host completes this one.
        Assert.Equal(HttpStatusCode.OK, early.StatusCode);
        Assert.NotEqual("failed", afterEarly);
        Assert.Contains(_bus.Messages(_queue), m => m.MessageId == $"{pingId.Split('-')[0]}-{MaxDeliveryAttempts - 1}");
        // Given up: the gateway keeps the copy in the Storage poison queue and answers 200, so the host completes it.
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        var status = await _gateway.WaitForPingAsync(pingId, "failed");
        Assert.Contains($"gave up after {MaxDeliveryAttempts} attempts", status.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_service_bus_is_unreachable_the_ping_is_refused_with_503_and_retry_after()
    {
        await _bus.DisposeAsync();

        using var response = await _gateway.SendAuthorizedAsync(HttpMethod.Post, "/rc/v1/users/ping",
            new FormUrlEncodedContent([new("user_id", "someone"), new("message", "lost?")]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task With_a_wrong_key_the_namespace_refuses_the_token_and_the_ping_is_refused_with_503() =>
        await AssertRefusedAsync(_bus.ConnectionString.Replace(_bus.Key, Convert.ToBase64String(new byte[32]), StringComparison.Ordinal));

    [Fact]
    public async Task With_an_expired_signature_the_namespace_refuses_the_token_and_the_ping_is_refused_with_503() =>
        await AssertRefusedAsync(_bus.ConnectionStringWithSignature(DateTimeOffset.UtcNow.AddMinutes(-5)));

    [Fact]
    public async Task A_valid_signature_without_the_key_is_accepted()
    {
        await using var gateway = await StartGatewayAsync(_bus.ConnectionStringWithSignature(DateTimeOffset.UtcNow.AddHours(1)));

        var pingId = await gateway.PingAsync(new("user_id", "someone"), new("message", "signed"));

        Assert.Equal(pingId.Split('-')[0], Assert.Single(_bus.Messages(_queue)).MessageId);
    }

    /// <summary>A gateway whose token the namespace refuses answers a ping 503, and nothing reaches the queue.</summary>
    private async Task AssertRefusedAsync(string connectionString)
    {
        await using var gateway = await StartGatewayAsync(connectionString);

        using var response = await gateway.SendAuthorizedAsync(HttpMethod.Post, "/rc/v1/users/ping",
            new FormUrlEncodedContent([new("user_id", "someone"), new("message", "refused")]));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(_bus.RefusedTokens > 0);
        Assert.Empty(_bus.Messages(_queue));
    }

    private Task<GatewayHost> StartGatewayAsync(string connectionString, params (string Key, string Value)[] settings)
    {
        var effective = new Dictionary<string, string?>
        {
            ["PushQueue:Transport"] = "ServiceBus",
            ["PushQueue:QueueName"] = _queue,
            ["PushQueue:MaxDeliveryAttempts"] = MaxDeliveryAttempts.ToString(CultureInfo.InvariantCulture),
            ["ServiceBusConnection"] = connectionString,
        };
        foreach (var (key, value) in settings)
        {
            effective[key] = value;
        }

        // Under the Functions host the trigger delivers; nothing in the process receives from Service Bus.
        return GatewayHost.StartAsync(settings: effective, asFunctionsCustomHandler: true);
    }

    private async Task<HttpResponseMessage> InvokeAsync(RecordedMessage message, int deliveryCount) =>
        await FunctionsHostInvocation.PostAsync(_gateway.Client, FunctionInvocationEndpoints.ServiceBusFunction, FunctionsHostInvocation.ForServiceBusMessage(
            message.Body, FunctionInvocationEndpoints.ServiceBusFunction, deliveryCount, message.MessageId!));

    private async Task<string> StateAsync(string pingId)
    {
        using var response = await _gateway.SendAuthorizedAsync(HttpMethod.Get, $"/rc/v1/pings/{pingId}");
        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return status.RootElement.GetProperty("state").GetString()!;
    }
}
