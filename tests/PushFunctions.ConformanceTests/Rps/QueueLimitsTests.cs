using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PushFunctions.Relay.Devices;

namespace PushFunctions.ConformanceTests.Rps;

/// <summary>Bounded growth: a device's queue, a message's age and a user's devices are capped, and drops are counted.</summary>
public sealed class QueueLimitsTests(AliceLogin alice) : IClassFixture<AliceLogin>
{
    [Fact]
    public async Task A_full_queue_drops_its_oldest_messages_and_counts_them_in_the_relay_meter()
    {
        await using var relay = await RelayHost.StartAsync(new RelayHostSettings { Delegate = alice.Server, MaxQueuedMessages = 3 });
        using var drops = DropCounter.Listen(relay);
        var (device, token) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);

        for (var n = 1; n <= 5; n++)
        {
            using var posted = await Backend.PostAsync(relay.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, $$$"""{"data":{"n":{{{n}}}}}""");
            Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
        }

        var received = await device.ReceiveInOrderAsync(3);

        Assert.Equal([3, 4, 5], received.Select(message => message.Data.GetProperty("n").GetInt32()));
        Assert.Equal(2, drops.Total("queue_full"));
    }

    [Fact]
    public async Task A_message_older_than_the_message_lifetime_is_not_delivered_and_is_counted()
    {
        await using var relay = await RelayHost.StartAsync(new RelayHostSettings
        {
            Delegate = alice.Server,
            MessageLifetime = TimeSpan.FromSeconds(1),
            PollTimeout = TimeSpan.FromSeconds(1),
        });
        using var drops = DropCounter.Listen(relay);
        var (device, token) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
        using var posted = await Backend.PostAsync(relay.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{"alert":"stale"}}""");

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var poll = await device.PollAsync();

        Assert.Equal(HttpStatusCode.NoContent, poll.StatusCode);
        Assert.Equal(1, drops.Total("expired"));
    }

    [Fact]
    public async Task A_user_at_the_instance_cap_gets_403_for_one_more_device_and_room_again_after_deleting_one()
    {
        await using var relay = await RelayHost.StartAsync(new RelayHostSettings { Delegate = alice.Server, MaxInstancesPerUser = 1 });
        var (first, _) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
        var second = new RelayDevice(relay.Client, "alice", RelayFixture.Password);
        await second.CreateInstanceAsync();
        await second.FetchCookieAsync();

        using var refused = await relay.Client.SendAsync(second.Request(HttpMethod.Put, second.RegistrationPath(RelayFixture.AppName)));
        using var deleted = await relay.Client.SendAsync(first.Request(HttpMethod.Delete, $"/instanceId/{first.Instance}"));
        var token = await second.RegisterAsync(RelayFixture.AppName);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.NotEmpty(token);
    }

    /// <summary>Reads the relay's dropped-messages counter, from this relay's meter only (tests run relays side by side).</summary>
    private sealed class DropCounter : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly Dictionary<string, long> totals = new(StringComparer.Ordinal);

        public static DropCounter Listen(RelayHost relay)
        {
            var counter = new DropCounter();
            var factory = relay.Services.GetRequiredService<IMeterFactory>();
            counter.listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == DroppedMessages.MeterName && instrument.Meter.Scope == factory && instrument.Name == DroppedMessages.CounterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            counter.listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                var reason = tags.ToArray().Single(tag => tag.Key == "reason").Value as string ?? "";
                lock (counter.totals)
                {
                    counter.totals[reason] = counter.totals.GetValueOrDefault(reason) + value;
                }
            });
            counter.listener.Start();
            return counter;
        }

        public long Total(string reason)
        {
            lock (totals)
            {
                return totals.GetValueOrDefault(reason);
            }
        }

        public void Dispose() => listener.Dispose();
    }
}
