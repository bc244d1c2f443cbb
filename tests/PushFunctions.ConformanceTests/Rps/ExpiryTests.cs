using System.Net;

namespace PushFunctions.ConformanceTests.Rps;

/// <summary>Registrations expire after the configured lifetime without device activity (short here).</summary>
public sealed class ExpiryTests : IAsyncLifetime
{
    private RpsLoginServer login = null!;

    public async Task InitializeAsync() => login = await RpsLoginServer.StartAsync(
        new Dictionary<string, string> { ["alice"] = RelayFixture.Password },
        new Dictionary<string, string> { [RelayFixture.AppName] = RelayFixture.AppPassword });

    public async Task DisposeAsync() => await login.DisposeAsync();

    [Fact]
    public async Task An_inactive_registration_is_gone_after_its_lifetime()
    {
        await using var relay = await RelayHost.StartAsync(new RelayHostSettings
        {
            Delegate = login,
            RegistrationLifetime = TimeSpan.FromSeconds(2),
        });
        var (device, token) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
        using var before = await Backend.PostAsync(relay.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{}}""");

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using var after = await Backend.PostAsync(relay.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{}}""");
        using var poll = await device.PollAsync();

        Assert.Equal(HttpStatusCode.NoContent, before.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, poll.StatusCode);
    }

    [Fact]
    public async Task Device_activity_keeps_a_registration_alive()
    {
        await using var relay = await RelayHost.StartAsync(new RelayHostSettings
        {
            Delegate = login,
            RegistrationLifetime = TimeSpan.FromSeconds(3),
            PollTimeout = TimeSpan.FromSeconds(1),
        });
        var (device, token) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);

        for (var i = 0; i < 5; i++)
        {
            using var poll = await device.PollAsync();
            Assert.Equal(HttpStatusCode.NoContent, poll.StatusCode);
        }

        using var posted = await Backend.PostAsync(relay.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{}}""");
        Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
    }

    [Fact]
    public async Task The_sweep_removes_expired_registrations_from_storage_so_a_restart_does_not_bring_them_back()
    {
        var settings = new RelayHostSettings
        {
            Delegate = login,
            RegistrationLifetime = TimeSpan.FromSeconds(1),
            ExpirySweepInterval = TimeSpan.FromMilliseconds(200),
        };
        string token;
        await using (var relay = await RelayHost.StartAsync(settings))
        {
            (_, token) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        // A long lifetime now: only the sweep's deletion can make the token unknown.
        await using var restarted = await RelayHost.StartAsync(settings with { RegistrationLifetime = TimeSpan.FromDays(30) });
        using var posted = await Backend.PostAsync(restarted.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{}}""");

        Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
    }
}
