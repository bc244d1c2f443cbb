using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Delivery;
using PushFunctions.Gateway.Delivery;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.ServiceBus;

namespace PushFunctions.IntegrationTests.ServiceBus;

/// <summary>
/// A standalone gateway with PushQueue:Transport=ServiceBus consumes the queue itself, end to end over AMQP with the
/// local namespace: complete on success, a retry sent as a scheduled message with the backoff delay (and the original
/// completed), dead-letter with a reason on the last allowed attempt, and the dead-letter queue read to mark what
/// expired undelivered as failed.
/// </summary>
public sealed class ServiceBusConsumerTests : IAsyncLifetime
{
    private const int MaxDeliveryAttempts = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);
    private readonly string _queue = "pings-" + Guid.NewGuid().ToString("N")[..8];
    private LocalServiceBus _bus = null!;

    public Task InitializeAsync()
    {
        // A short lock, so a long delivery must have its lock renewed to keep it.
        _bus = LocalServiceBus.Start([_queue], new LocalServiceBusOptions { LockDuration = TimeSpan.FromSeconds(6) });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task A_ping_is_received_delivered_once_and_its_message_completed()
    {
        await using var gateway = await StartGatewayAsync();
        var user = "consumer-" + Guid.NewGuid().ToString("N")[..8];
        await gateway.CreateUserAsync(user);
        await gateway.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = "consumed-pin" });

        var pingId = await gateway.PingAsync(new("user_id", user), new("message", "standalone"));
        var status = await gateway.WaitForPingAsync(pingId);
        await WaitUntilAsync(() => _bus.Messages(_queue).Count == 0, "the message was never completed");

        Assert.Equal(1, status.GetProperty("attempts").GetInt32());
        Assert.Single(gateway.LogChannel.Sent, s => s.Handle == "consumed-pin");
        Assert.Empty(_bus.DeadLetters(_queue));
    }

    [Fact]
    public async Task A_failing_delivery_is_retried_as_scheduled_messages_and_dead_lettered_with_a_reason_on_its_last_attempt()
    {
        await using var gateway = await StartGatewayAsync();
        // A storage fault in the delivery path: the table the fan-out reads is gone.
        await gateway.Services.GetRequiredService<UserStore>().Table.DeleteAsync();

        var pingId = await gateway.PingAsync(new("user_id", "someone"), new("message", "never arrives"));
        var status = await gateway.WaitForPingAsync(pingId, Deadline, "failed");
        await WaitUntilAsync(() => _bus.DeadLettered(_queue).Count == 1, "the message was never dead-lettered");

        // Each retry was a message of its own, carrying the attempts made: the count went on across them.
        Assert.Equal(MaxDeliveryAttempts, status.GetProperty("attempts").GetInt32());
        Assert.Contains($"gave up after {MaxDeliveryAttempts} attempts", status.GetProperty("error").GetString(), StringComparison.Ordinal);
        var deadLetter = Assert.Single(_bus.DeadLettered(_queue));
        Assert.Equal($"{pingId.Split('-')[0]}-{MaxDeliveryAttempts - 1}", deadLetter.MessageId);
        Assert.Equal(ServiceBusQueueConsumer.GaveUpReason, deadLetter.DeadLetterReason);
        Assert.EndsWith($"delivery gave up after {MaxDeliveryAttempts} attempts", deadLetter.DeadLetterDescription, StringComparison.Ordinal);
        Assert.Empty(_bus.Messages(_queue));
        // The dead-letter queue's reader took it too: the ping was already failed, so it only completes it.
        await WaitUntilAsync(() => _bus.DeadLetters(_queue).Count == 0, "the dead-lettered message was never read");
    }

    [Fact]
    public async Task A_message_that_expires_before_delivery_is_dead_lettered_by_the_namespace_and_its_ping_marked_failed()
    {
        await using var accepting = await StartGatewayAsync(("PushQueue:InProcessConsumer", "false"), ("PushQueue:TimeToLive", "00:00:01"));
        var pingId = await accepting.PingAsync(new("user_id", "someone"), new("message", "too late"));
        await WaitUntilAsync(() => _bus.DeadLetters(_queue).Count == 1, "the message never expired");

        await using var consuming = await GatewayHost.StartAsync(reuse: accepting.Settings, settings: new Dictionary<string, string?> { ["PushQueue:InProcessConsumer"] = "true" });
        var status = await consuming.WaitForPingAsync(pingId, Deadline, "failed");
        await WaitUntilAsync(() => _bus.DeadLetters(_queue).Count == 0, "the dead-lettered message was never completed");

        Assert.Equal("the queue dead-lettered the message before delivery completed: TTLExpiredException", status.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_delivery_that_outlasts_the_lock_has_its_lock_renewed_and_runs_once()
    {
        var held = new HeldChannel(NullLogger<HeldChannel>.Instance);
        await using var gateway = await StartGatewayAsync(services: s => s.AddSingleton<IDeliveryChannel>(held));
        var user = "held-" + Guid.NewGuid().ToString("N")[..8];
        await gateway.CreateUserAsync(user);
        await gateway.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "WNS", ["device_pin"] = "https://wns.example/held" });

        var pingId = await gateway.PingAsync(new("user_id", user), new("message", "slow"));
        // Held well past the 6-second lock: only renewals keep the message from being delivered again meanwhile.
        await WaitUntilAsync(() => _bus.LockRenewals(_queue) >= 3, "the lock was never renewed");
        held.Release.SetResult();
        var status = await gateway.WaitForPingAsync(pingId, Deadline, "done");
        await WaitUntilAsync(() => _bus.Messages(_queue).Count == 0, "the message was never completed");

        Assert.Equal(1, status.GetProperty("attempts").GetInt32());
        Assert.Equal(1, held.Sends);
    }

    private Task<GatewayHost> StartGatewayAsync(params (string Key, string Value)[] settings) => StartGatewayAsync(null, settings);

    private Task<GatewayHost> StartGatewayAsync(Action<IServiceCollection>? services, params (string Key, string Value)[] settings)
    {
        var effective = new Dictionary<string, string?>
        {
            ["PushQueue:Transport"] = "ServiceBus",
            ["PushQueue:QueueName"] = _queue,
            ["PushQueue:MaxDeliveryAttempts"] = MaxDeliveryAttempts.ToString(CultureInfo.InvariantCulture),
            ["ServiceBusConnection"] = _bus.ConnectionString,
        };
        foreach (var (key, value) in settings)
        {
            effective[key] = value;
        }

        return GatewayHost.StartAsync(settings: effective, services: services);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Within {Deadline.TotalSeconds} s: {failure}.");
            }

            await Task.Delay(50);
        }
    }
}
