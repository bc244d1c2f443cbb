using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PushFunctions.Import.Importing;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.RhoConnect;

namespace PushFunctions.IntegrationTests.Import;

/// <summary>The standalone gateway's own import, every RhoConnect__ImportInterval, and what /healthz says of it.</summary>
public sealed class ScheduledImportTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private RhoConnectStandIn _rhoconnect = null!;

    public async Task InitializeAsync() => _rhoconnect = await RhoConnectStandIn.StartAsync();

    public async Task DisposeAsync() => await _rhoconnect.DisposeAsync();

    [Fact]
    public async Task A_registration_changed_at_RhoConnect_reaches_its_device_after_the_next_scheduled_run()
    {
        _rhoconnect.AddUser("alice");
        var iphone = _rhoconnect.AddClient("alice", new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = "apns-before" });
        await using var gateway = await GatewayHost.StartAsync(ImportSettings(RhoConnectStandIn.ApiToken));
        var target = new ImportTarget(gateway);

        await WaitUntilAsync(async () => (await target.ClientAsync(iphone))?.DevicePin == "apns-before");
        // What a device does at RhoConnect after it got a new push token.
        _rhoconnect.Register(iphone, new Dictionary<string, string> { ["device_pin"] = "apns-after" });
        await WaitUntilAsync(async () => (await target.ClientAsync(iphone))?.DevicePin == "apns-after");
        var pingId = await gateway.PingAsync(new("user_id", "alice"), new("message", "hello"));
        await gateway.WaitForPingAsync(pingId);

        var sent = Assert.Single(gateway.LogChannel.Sent, s => s.ClientId == iphone);
        Assert.Equal("apns-after", sent.Handle);
        using var health = await gateway.Client.GetAsync("/healthz");
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        var import = report.RootElement.GetProperty("checks").GetProperty("import");
        Assert.Equal("Healthy", import.GetProperty("status").GetString());
        Assert.Contains("completed", import.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, import.GetProperty("data").GetProperty("clients").GetInt32());
        Assert.Equal(_rhoconnect.BaseAddress.AbsoluteUri, import.GetProperty("data").GetProperty("source").GetString());
    }

    [Fact]
    public async Task A_refused_token_makes_the_import_check_degraded_with_the_reason_and_healthz_still_answers_200()
    {
        _rhoconnect.AddUser("alice");
        await using var gateway = await GatewayHost.StartAsync(ImportSettings("a-token-rhoconnect-does-not-know"));

        JsonElement import = default;
        await WaitUntilAsync(async () =>
        {
            using var health = await gateway.Client.GetAsync("/healthz");
            using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
            import = report.RootElement.GetProperty("checks").GetProperty("import").Clone();
            return health.StatusCode == HttpStatusCode.OK && import.GetProperty("status").GetString() == "Degraded";
        });

        Assert.Contains("failed: the source refused the API token (422)", import.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("a-token-rhoconnect-does-not-know", import.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_both_settings_there_is_no_import_and_no_import_check()
    {
        _rhoconnect.AddUser("alice");
        await using var gateway = await GatewayHost.StartAsync();

        using var health = await gateway.Client.GetAsync("/healthz");
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync());

        Assert.False(report.RootElement.GetProperty("checks").TryGetProperty("import", out _));
        Assert.Null(await new ImportTarget(gateway).Users.GetAsync("alice"));
        Assert.Empty(_rhoconnect.Requests);
    }

    [Theory]
    [InlineData("RhoConnect:ImportApiToken", "")]
    [InlineData("RhoConnect:ImportFrom", "rhoconnect.example.com")]
    [InlineData("RhoConnect:ImportInterval", "00:00:00")]
    public async Task A_half_or_wrongly_configured_import_stops_the_gateway_from_starting(string setting, string value)
    {
        var settings = ImportSettings(RhoConnectStandIn.ApiToken);
        settings[setting] = value;

        await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayHost.StartAsync(settings));
    }

    private Dictionary<string, string?> ImportSettings(string apiToken) => new()
    {
        ["RhoConnect:ImportFrom"] = _rhoconnect.BaseAddress.AbsoluteUri,
        ["RhoConnect:ImportApiToken"] = apiToken,
        ["RhoConnect:ImportInterval"] = "00:00:00.500",
    };

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"The condition did not hold within {Deadline.TotalSeconds} s.");
            await Task.Delay(100);
        }
    }
}
