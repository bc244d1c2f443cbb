using System.Net;

namespace PushFunctions.ConformanceTests.Rps;

/// <summary>A relay stopped and a new one started on the same tables: nothing queued is lost, ids keep increasing.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    private RpsLoginServer login = null!;

    public async Task InitializeAsync() => login = await RpsLoginServer.StartAsync(
        new Dictionary<string, string> { ["alice"] = RelayFixture.Password },
        new Dictionary<string, string> { [RelayFixture.AppName] = RelayFixture.AppPassword });

    public async Task DisposeAsync() => await login.DisposeAsync();

    [Fact]
    public async Task Queued_messages_survive_a_restart_in_order_with_their_ids()
    {
        var settings = new RelayHostSettings { Delegate = login, PollTimeout = TimeSpan.FromSeconds(2) };
        string instance, cookie, token;
        await using (var before = await RelayHost.StartAsync(settings))
        {
            var (device, issued) = await RelayDevice.ConnectAsync(before.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
            (instance, cookie, token) = (device.Instance, device.Cookie, issued);
            foreach (var n in new[] { 1, 2, 3 })
            {
                using var posted = await Backend.PostAsync(before.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, $$$"""{"collapseId":{{{n}}},"data":{"n":{{{n}}}}}""");
                Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
            }

            var first = await device.ReceiveAsync();
            Assert.Equal(1, first.Id);
        }

        await using var after = await RelayHost.StartAsync(settings);
        var restored = Reconnect(after, instance, cookie);
        var received = new List<(long Id, int N)>();
        long? last = null;
        for (var i = 0; i < 3; i++)
        {
            var message = await restored.ReceiveAsync(last);
            received.Add((message.Id, message.Data.GetProperty("n").GetInt32()));
            Assert.Equal(token, message.Token);
            last = message.Id;
        }

        Assert.Equal([(1, 1), (2, 2), (3, 3)], received);
    }

    [Fact]
    public async Task Ids_keep_increasing_after_a_restart_even_when_everything_was_acknowledged()
    {
        var settings = new RelayHostSettings { Delegate = login, PollTimeout = TimeSpan.FromSeconds(1) };
        string instance, cookie, token;
        long acknowledged;
        await using (var before = await RelayHost.StartAsync(settings))
        {
            var (device, issued) = await RelayDevice.ConnectAsync(before.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
            (instance, cookie, token) = (device.Instance, device.Cookie, issued);
            using var one = await Backend.PostAsync(before.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{"n":1}}""");
            using var two = await Backend.PostAsync(before.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{"n":2}}""");
            var first = await device.ReceiveAsync();
            var second = await device.ReceiveAsync(first.Id);
            acknowledged = second.Id;
            using var empty = await device.PollAsync(acknowledged);
            Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
        }

        await using var after = await RelayHost.StartAsync(settings);
        using var posted = await Backend.PostAsync(after.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{"n":3}}""");
        var restored = Reconnect(after, instance, cookie);
        var third = await restored.ReceiveAsync(acknowledged);

        Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
        Assert.Equal(acknowledged + 1, third.Id);
        Assert.Equal(3, third.Data.GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Registrations_and_cookies_stay_valid_after_a_restart()
    {
        var settings = new RelayHostSettings { Delegate = login };
        RelayDevice device;
        string token;
        await using (var before = await RelayHost.StartAsync(settings))
        {
            (device, token) = await RelayDevice.ConnectAsync(before.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
        }

        await using var after = await RelayHost.StartAsync(settings);
        var restored = Reconnect(after, device.Instance, device.Cookie);

        Assert.Equal(token, await restored.RegisterAsync(RelayFixture.AppName));
    }

    private static RelayDevice Reconnect(RelayHost relay, string instance, string cookie) =>
        RelayDevice.Resume(relay.Client, "alice", RelayFixture.Password, instance, cookie);
}
