using Microsoft.Extensions.DependencyInjection;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Payloads;
using PushFunctions.Import.Importing;
using PushFunctions.Testing.Gateway;

namespace PushFunctions.IntegrationTests.Import;

/// <summary>
/// Another gateway as the source: it serves the same read routes (JSON with a content type, 404 for an unknown id,
/// only the device fields that are set, 422 for a token it does not know, as RhoConnect's admin routes), and what it holds arrives intact and is reached by pings here.
/// </summary>
public sealed class GatewaySourceImportTests : IAsyncLifetime
{
    private GatewayHost _source = null!;
    private GatewayHost _gateway = null!;
    private ImportTarget _target = null!;

    public async Task InitializeAsync()
    {
        _source = await GatewayHost.StartAsync();
        _gateway = await GatewayHost.StartAsync();
        _target = new ImportTarget(_gateway);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _source.DisposeAsync();
    }

    [Fact]
    public async Task Registrations_imported_from_another_gateway_are_identical_and_pings_reach_them_through_the_log_channel()
    {
        await _source.CreateUserAsync("alice", "secret");
        var iphone = await _source.RegisterDeviceAsync("alice", new Dictionary<string, string>
        {
            ["device_type"] = "APPLE", ["device_pin"] = "apns-alice", ["phone_id"] = "phone-a", ["device_app_id"] = "com.example.app", ["device_app_version"] = "2.1",
        });
        var android = await _source.RegisterDeviceAsync("alice", new Dictionary<string, string>
        {
            ["device_type"] = "ANDROID", ["device_push_type"] = "fcm", ["device_pin"] = "fcm-alice", ["device_port"] = "",
        });
        await _source.CreateUserAsync("bob");
        var sourceRegistrations = _source.Services.GetRequiredService<RegistrationStore>();

        var importer = await _target.ImporterAsync(_source.BaseAddress, GatewayHost.ApiToken);
        var first = await importer.RunAsync(new ImportOptions());
        var second = await importer.RunAsync(new ImportOptions());

        Assert.Equal((ImportState.Completed, null, 2, 2, 2), (first.State, first.Failure, first.UsersCreated, first.Clients, first.ClientsCreated));
        Assert.Equal((ImportState.Completed, 0, 2), (second.State, second.Written, second.ClientsUnchanged));
        Assert.Equal((await sourceRegistrations.GetAsync(iphone))! with { ETag = null }, await _target.ClientAsync(iphone));
        Assert.Equal((await sourceRegistrations.GetAsync(android))! with { ETag = null }, await _target.ClientAsync(android));

        var pingId = await _gateway.PingAsync(new("user_id", "alice"), new("message", "hello from the gateway"));
        var status = await _gateway.WaitForPingAsync(pingId);

        Assert.Equal(2, status.GetProperty("counts").GetProperty("sent").GetInt32());
        var sent = _gateway.LogChannel.Sent.Where(s => s.UserId == "alice").Select(s => (s.ClientId, s.Platform, s.Handle)).OrderBy(s => s.Handle, StringComparer.Ordinal);
        Assert.Equal([(iphone, Platform.Apple, "apns-alice"), (android, Platform.Fcm, "fcm-alice")], sent);
    }

    [Fact]
    public async Task A_token_the_source_gateway_refuses_fails_the_run_before_anything_is_written()
    {
        await _source.CreateUserAsync("alice");

        var summary = await (await _target.ImporterAsync(_source.BaseAddress, "not-a-token-of-the-source")).RunAsync(new ImportOptions());

        Assert.Equal((ImportState.Failed, "the source refused the API token (422)"), (summary.State, summary.Failure));
        Assert.Empty(await _target.RowVersionsAsync());
    }
}
