using System.Net;

namespace PushFunctions.ConformanceTests.Rps;

/// <summary>Delegate mode against a local rps_login: only 204 is a yes, a yes is cached, unreachable is 503.</summary>
public sealed class DelegateAuthenticatorTests : IAsyncLifetime
{
    private RpsLoginServer login = null!;
    private RelayHost relay = null!;

    public async Task InitializeAsync()
    {
        login = await RpsLoginServer.StartAsync(
            new Dictionary<string, string> { ["alice"] = RelayFixture.Password },
            new Dictionary<string, string> { [RelayFixture.AppName] = RelayFixture.AppPassword });
        relay = await RelayHost.StartAsync(new RelayHostSettings { Delegate = login });
    }

    public async Task DisposeAsync()
    {
        await relay.DisposeAsync();
        await login.DisposeAsync();
    }

    [Fact]
    public async Task Credentials_the_delegate_accepts_open_an_instance()
    {
        var device = new RelayDevice(relay.Client, "alice", RelayFixture.Password);

        Assert.NotEmpty(await device.CreateInstanceAsync());
        Assert.Equal(1, login.DeviceRequests);
    }

    [Fact]
    public async Task Credentials_the_delegate_refuses_are_401()
    {
        var device = new RelayDevice(relay.Client, "alice", "wrong");

        using var response = await relay.Client.SendAsync(device.Request(HttpMethod.Post, "/instanceId"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_yes_is_cached_so_the_delegate_is_asked_once()
    {
        var device = new RelayDevice(relay.Client, "alice", RelayFixture.Password);
        await device.CreateInstanceAsync();
        await device.FetchCookieAsync();
        await device.CreateInstanceAsync();

        Assert.Equal(1, login.DeviceRequests);
    }

    [Fact]
    public async Task A_no_is_not_cached()
    {
        var device = new RelayDevice(relay.Client, "alice", "wrong");
        using var first = await relay.Client.SendAsync(device.Request(HttpMethod.Post, "/instanceId"));
        using var second = await relay.Client.SendAsync(device.Request(HttpMethod.Post, "/instanceId"));

        Assert.Equal(2, login.DeviceRequests);
    }

    [Fact]
    public async Task App_credentials_are_checked_with_the_app_login_url()
    {
        var (_, token) = await RelayDevice.ConnectAsync(relay.Client, "alice", RelayFixture.Password, RelayFixture.AppName);

        using var accepted = await Backend.PostAsync(relay.Client, token, RelayFixture.AppName, RelayFixture.AppPassword, """{"data":{}}""");
        using var refused = await Backend.PostAsync(relay.Client, token, RelayFixture.AppName, "wrong", """{"data":{}}""");

        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(2, login.AppRequests);
    }

    [Fact]
    public async Task An_unreachable_delegate_is_503_with_an_empty_body()
    {
        await login.StopAsync();
        var device = new RelayDevice(relay.Client, "alice", RelayFixture.Password);

        using var response = await relay.Client.SendAsync(device.Request(HttpMethod.Post, "/instanceId"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_cached_yes_keeps_working_while_the_delegate_is_unreachable()
    {
        var device = new RelayDevice(relay.Client, "alice", RelayFixture.Password);
        await device.CreateInstanceAsync();
        await login.StopAsync();

        Assert.NotEmpty(await device.CreateInstanceAsync());
    }
}
