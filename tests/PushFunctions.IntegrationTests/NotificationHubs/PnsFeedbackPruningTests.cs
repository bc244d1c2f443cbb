using PushFunctions.Core.Delivery;
using PushFunctions.Gateway.Channels.NotificationHubs;
using PushFunctions.Testing.Logging;
using PushFunctions.Testing.NotificationHubs;
using static PushFunctions.IntegrationTests.NotificationHubs.NotificationHubsGateway;

namespace PushFunctions.IntegrationTests.NotificationHubs;

/// <summary>
/// Registrations are pruned from what the hub reports about handles after the send (Standard tier per-message
/// telemetry and its PNS error details), never from the send's own 201.
/// </summary>
public sealed class PnsFeedbackPruningTests : IAsyncLifetime
{
    private LocalNotificationHub _hub = null!;
    private NotificationHubsGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _hub = await LocalNotificationHub.StartAsync("push-hub", "crm-hub");
        _gateway = await NotificationHubsGateway.StartAsync(_hub);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _hub.DisposeAsync();
    }

    [Theory]
    [InlineData("ExpiredChannel")]
    [InlineData("BadChannel")]
    public async Task A_handle_the_push_service_reported_dead_is_marked_invalid_and_later_pings_skip_its_device(string pnsError)
    {
        var user = await _gateway.NewUserAsync();
        var dead = await _gateway.RegisterAsync(user, "APPLE", "dead-" + user);
        var live = await _gateway.RegisterAsync(user, "APPLE", "live-" + user);
        _hub.ReportPnsError("dead-" + user, pnsError);

        var first = await _gateway.PingAsync(user);
        await WaitForAsync(async () => (await _gateway.RegistrationAsync(dead)).InvalidReason is not null, "the dead handle's registration to be marked");
        var second = await _gateway.PingAsync(user);

        AssertOutcome(first, dead, "sent", null);
        AssertOutcome(first, live, "sent", null);
        Assert.Equal(OutcomeReasons.HandleGone, (await _gateway.RegistrationAsync(dead)).InvalidReason);
        Assert.Null((await _gateway.RegistrationAsync(live)).InvalidReason);
        AssertOutcome(second, dead, "skipped", OutcomeReasons.InvalidRegistration);
        AssertOutcome(second, live, "sent", null);
        Assert.Single(_hub.Received, r => r.Handle == "dead-" + user);
    }

    [Fact]
    public async Task A_device_that_registered_again_with_a_new_handle_before_the_report_keeps_its_registration()
    {
        var user = await _gateway.NewUserAsync();
        var client = await _gateway.RegisterAsync(user, "ANDROID", "old-" + user);
        _hub.ReportPnsError("old-" + user, "ExpiredChannel");
        _hub.HoldTelemetry = true;

        var first = await _gateway.PingAsync(user);
        await _gateway.RegisterAgainAsync(client, "new-" + user);
        _hub.HoldTelemetry = false;
        var verdict = await WaitForLogAsync(first.GetProperty("ping_id").GetString()!, "Kept");
        var second = await _gateway.PingAsync(user);

        Assert.Equal((0, 1), ((int)verdict.Value("Marked")!, (int)verdict.Value("Kept")!));
        var registration = await _gateway.RegistrationAsync(client);
        Assert.Equal(("new-" + user, null), (registration.DevicePin, registration.InvalidReason));
        AssertOutcome(second, client, "sent", null);
        Assert.Single(_hub.Received, r => r.Handle == "new-" + user);
    }

    [Theory]
    [InlineData("WrongToken")]
    [InlineData("InvalidCredentials")]
    [InlineData("Throttled")]
    public async Task An_error_that_says_nothing_certain_about_the_device_is_logged_and_does_not_mark_it(string pnsError)
    {
        var user = await _gateway.NewUserAsync();
        var client = await _gateway.RegisterAsync(user, "WNS", "https://wns.example/?token=" + user);
        _hub.ReportPnsError("https://wns.example/?token=" + user, pnsError);

        var status = await _gateway.PingAsync(user);
        var reported = await WaitForLogAsync(status.GetProperty("ping_id").GetString()!, "Outcomes");

        Assert.Contains($"Wns {pnsError} 1", (string)reported.Value("Outcomes")!, StringComparison.Ordinal);
        Assert.Null((await _gateway.RegistrationAsync(client)).InvalidReason);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited 60 s for {what}.");
            await Task.Delay(50);
        }
    }

    /// <summary>The telemetry watcher's record about the ping that carries the value <paramref name="valueName"/>.</summary>
    private async Task<CapturedLog> WaitForLogAsync(string pingId, string valueName)
    {
        CapturedLog? found = null;
        await WaitForAsync(
            () =>
            {
                found = _gateway.Logs.Records.FirstOrDefault(r =>
                    r.Category == typeof(PnsFeedbackWatcher).FullName && r.Value("PingId")?.ToString() == pingId && r.Values.Any(v => v.Key == valueName));
                return Task.FromResult(found is not null);
            },
            $"the telemetry of ping {pingId} to be read");
        return found!;
    }
}
