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
/// The gateway with PushQueue:Transport=ServiceBus against the local namespace, run as the Functions host's custom
/// handler, and delivery as the host's serviceBusTrigger invokes it: the recorded message POSTed to
/// /DeliverFromServiceBus in the host's invocation payload.
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
        _bus = await LocalServiceBus.StartAsync([_queue]);
        _gateway = await GatewayHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["PushQueue:Transport"] = "ServiceBus",
            ["PushQueue:QueueName"] = _queue,
            ["PushQueue:MaxDeliveryAttempts"] = MaxDeliveryAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ServiceBusConnection"] = _bus.ConnectionString,
        }, asFunctionsCustomHandler: true);
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

        Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        Assert.NotEqual("failed", afterEarly);
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
