using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PushFunctions.Core.Delivery;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.Logging;

namespace PushFunctions.IntegrationTests.Delivery;

public sealed class FanOutDeliveryTests : IAsyncLifetime
{
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayHost.StartAsync(services: s => s
            .AddCapturedLogs()
            .AddSingleton<ExplodingChannel>()
            .AddSingleton<IDeliveryChannel>(sp => sp.GetRequiredService<ExplodingChannel>()));

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task A_ping_to_several_users_sends_each_real_device_once_and_records_why_every_other_candidate_was_skipped()
    {
        var (alice, bob) = (Unique("alice"), Unique("bob"));
        await _gateway.CreateUserAsync(alice);
        await _gateway.CreateUserAsync(bob);
        var shared = Unique("phone");
        var aliceShared = await Register(alice, ("device_type", "APPLE"), ("device_pin", "pin-a1"), ("phone_id", shared), ("device_app_id", "app"));
        var bobShared = await Register(bob, ("device_type", "APPLE"), ("device_pin", "pin-b1"), ("phone_id", shared), ("device_app_id", "app"));
        var bobOtherApp = await Register(bob, ("device_type", "APPLE"), ("device_pin", "pin-b2"), ("phone_id", shared), ("device_app_id", "other-app"));
        var alicePin = await Register(alice, ("device_type", "ANDROID"), ("device_pin", "same-pin"));
        var bobPin = await Register(bob, ("device_type", "android"), ("device_pin", "same-pin"));
        var unregistered = await Register(alice, ("device_type", ""), ("device_push_type", ""), ("device_pin", "pin-x"));
        var noPin = await Register(alice, ("device_type", "APPLE"));
        var emptyPushType = await Register(bob, ("device_push_type", ""), ("device_type", "iPhone"), ("device_pin", "pin-b3"));
        var unknownPlatform = await Register(bob, ("device_type", "BlackBerry"), ("device_pin", "pin-bb"));
        var nobody = Unique("nobody");

        var pingId = await _gateway.PingAsync(new("user_id[]", alice), new("user_id[]", bob), new("user_id[]", nobody), new("message", "hi"));
        var status = await _gateway.WaitForPingAsync(pingId);

        var devices = status.GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal(10, devices.Count);
        AssertOutcome(devices, aliceShared, "sent", null);
        AssertOutcome(devices, bobShared, "skipped", "duplicate");
        AssertOutcome(devices, bobOtherApp, "sent", null);
        AssertOutcome(devices, alicePin, "sent", null);
        AssertOutcome(devices, bobPin, "skipped", "duplicate");
        AssertOutcome(devices, unregistered, "skipped", "not registered");
        AssertOutcome(devices, noPin, "skipped", "not registered");
        AssertOutcome(devices, emptyPushType, "sent", null);
        AssertOutcome(devices, unknownPlatform, "skipped", "unsupported platform");
        var unknown = Assert.Single(devices, d => d.GetProperty("user_id").GetString() == nobody);
        Assert.Equal("unknown user", unknown.GetProperty("reason").GetString());
        Assert.Equal(4, status.GetProperty("counts").GetProperty("sent").GetInt32());
        Assert.Equal(6, status.GetProperty("counts").GetProperty("skipped").GetInt32());

        var sentHandles = _gateway.LogChannel.Sent.Where(s => s.UserId == alice || s.UserId == bob).Select(s => s.Handle).Order().ToList();
        Assert.Equal(["pin-a1", "pin-b2", "pin-b3", "same-pin"], sentHandles);
    }

    [Fact]
    public async Task A_device_whose_send_throws_fails_alone_and_the_other_devices_are_still_sent()
    {
        var user = Unique("carol");
        await _gateway.CreateUserAsync(user);
        var exploding = await Register(user, ("device_type", "WNS"), ("device_pin", ExplodingChannel.ExplodingHandle));
        var first = await Register(user, ("device_type", "WNS"), ("device_pin", Unique("wns1")));
        var second = await Register(user, ("device_type", "WNS"), ("device_pin", Unique("wns2")));
        var apple = await Register(user, ("device_type", "APPLE"), ("device_pin", Unique("apple")));

        var pingId = await _gateway.PingAsync(new("user_id", user), new("message", "boom"));
        var status = await _gateway.WaitForPingAsync(pingId);

        var devices = status.GetProperty("devices").EnumerateArray().ToList();
        AssertOutcome(devices, exploding, "failed", OutcomeReasons.ChannelError("exploding"));
        Assert.DoesNotContain(ExplodingChannel.ExplosionMessage, status.GetRawText(), StringComparison.Ordinal);
        var logged = Assert.Single(_gateway.Services.GetRequiredService<CapturedLogs>().Records, r => r.Exception?.Message == ExplodingChannel.ExplosionMessage);
        Assert.Equal(pingId, logged.Value("PingId"));
        Assert.Equal(exploding, logged.Value("ClientId"));
        AssertOutcome(devices, first, "sent", null);
        AssertOutcome(devices, second, "sent", null);
        AssertOutcome(devices, apple, "sent", null);
        Assert.Equal("done", status.GetProperty("state").GetString());
    }

    private Task<string> Register(string user, params (string Name, string Value)[] fields) =>
        _gateway.RegisterDeviceAsync(user, fields.ToDictionary(f => f.Name, f => f.Value));

    private static JsonElement AssertOutcome(List<JsonElement> devices, string clientId, string outcome, string? reason)
    {
        var device = Assert.Single(devices, d => d.GetProperty("client_id").GetString() == clientId);
        Assert.Equal(outcome, device.GetProperty("outcome").GetString());
        if (reason is not null)
        {
            Assert.Equal(reason, device.GetProperty("reason").GetString());
        }

        return device;
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}
