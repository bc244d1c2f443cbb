using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PushFunctions.Core.Delivery;
using PushFunctions.Gateway.Channels;
using PushFunctions.Testing;
using PushFunctions.Testing.Gateway;

namespace PushFunctions.IntegrationTests.Resilience;

/// <summary>Stopping the gateway completes what it holds, within the host's shutdown timeout (HostOptions.ShutdownTimeout).</summary>
public sealed class ShutdownTests
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task Pings_waiting_for_a_queue_that_does_not_answer_are_all_answered_503_when_the_gateway_stops_within_its_shutdown_timeout()
    {
        await using var azurite = await PrivateAzurite.StartAsync();
        var gateway = await GatewayHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                // Longer than the shutdown: only the shutdown answers these callers.
                ["PushQueue:AcceptTimeout"] = "00:01:00",
            },
            services => services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout));
        try
        {
            azurite.Freeze();
            // A client of its own: the gateway's is disposed with it.
            using var backend = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var pings = Enumerable.Range(0, 12).Select(i => backend.SendAsync(GatewayHost.Authorized(
                HttpMethod.Post, "/rc/v1/users/ping", new FormUrlEncodedContent([new("user_id", "waiting"), new("message", $"m{i}")])))).ToList();
            // Some wait for a send slot, some are in a write the frozen queue never answers.
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.All(pings, p => Assert.False(p.IsCompleted));

            var clock = Stopwatch.StartNew();
            await gateway.DisposeAsync();
            var stoppedAfter = clock.Elapsed;

            foreach (var ping in pings)
            {
                using var response = await ping;
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
            }

            Assert.True(stoppedAfter < ShutdownTimeout + TimeSpan.FromSeconds(5), $"stopped after {stoppedAfter.TotalSeconds:F1} s");
        }
        finally
        {
            azurite.Resume();
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_send_in_flight_when_the_gateway_stops_finishes_or_is_released_and_every_device_gets_the_ping_once(bool sendFinishesInTime)
    {
        HeldChannel? held = null;
        var first = await GatewayHost.StartAsync(
            services: services =>
            {
                services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
                services.AddSingleton<IDeliveryChannel>(sp => held = new HeldChannel(sp.GetRequiredService<LogChannel>()));
            });
        var user = "stopping-" + Guid.NewGuid().ToString("N")[..8];
        var clients = new List<string>();
        await first.CreateUserAsync(user);
        for (var i = 0; i < 2; i++)
        {
            clients.Add(await first.RegisterDeviceAsync(user, new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = $"pin-{i}-{user}" }));
        }

        var pingId = await first.PingAsync(new("user_id", user), new("message", "across a restart"));
        await first.Services.GetServices<IDeliveryChannel>().OfType<HeldChannel>().Single().Entered.WaitAsync(TimeSpan.FromSeconds(60));
        var firstSent = first.LogChannel;

        var clock = Stopwatch.StartNew();
        var stopping = first.DisposeAsync().AsTask();
        if (sendFinishesInTime)
        {
            held!.Release();
        }

        await stopping;
        Assert.True(clock.Elapsed < ShutdownTimeout + TimeSpan.FromSeconds(5), $"stopped after {clock.Elapsed.TotalSeconds:F1} s");

        await using var second = await GatewayHost.StartAsync(reuse: first.Settings);
        var status = await second.WaitForPingAsync(pingId);

        Assert.Equal(2, status.GetProperty("counts").GetProperty("sent").GetInt32());
        foreach (var client in clients)
        {
            var sends = firstSent.Sent.Count(s => s.ClientId == client) + second.LogChannel.Sent.Count(s => s.ClientId == client);
            Assert.Equal(1, sends);
        }

        Assert.Equal(sendFinishesInTime ? 2 : 0, firstSent.Sent.Count);
    }
}
