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
public sealed class PnsFeedbackPruningTests : LocalHubGatewayTests
{
    [Theory]
    [InlineData("ExpiredChannel")]
    [InlineData("BadChannel")]
    public async Task A_handle_the_push_service_reported_dead_is_marked_invalid_and_later_pings_skip_its_device(string pnsError)
    {
        var user = await Gateway.NewUserAsync();
        var dead = await Gateway.RegisterAsync(user, "APPLE", "dead-" + user);
        var live = await Gateway.RegisterAsync(user, "APPLE", "live-" + user);
        Hub.ReportPnsError("dead-" + user, pnsError);

        var first = await Gateway.PingAsync(user);
        await WaitForAsync(async () => (await Gateway.RegistrationAsync(dead)).InvalidReason is not null, "the dead handle's registration to be marked");
        var second = await Gateway.PingAsync(user);

        AssertOutcome(first, dead, "sent", null);
        AssertOutcome(first, live, "sent", null);
        Assert.Equal(OutcomeReasons.HandleGone, (await Gateway.RegistrationAsync(dead)).InvalidReason);
        Assert.Null((await Gateway.RegistrationAsync(live)).InvalidReason);
        AssertOutcome(second, dead, "skipped", OutcomeReasons.InvalidRegistration);
        AssertOutcome(second, live, "sent", null);
        Assert.Single(Hub.Received, r => r.Handle == "dead-" + user);
    }

    [Fact]
    public async Task A_device_that_registered_again_with_a_new_handle_before_the_report_keeps_its_registration()
    {
        var user = await Gateway.NewUserAsync();
        var client = await Gateway.RegisterAsync(user, "ANDROID", "old-" + user);
        Hub.ReportPnsError("old-" + user, "ExpiredChannel");
        Hub.HoldTelemetry = true;

        var first = await Gateway.PingAsync(user);
        await Gateway.RegisterAgainAsync(client, "new-" + user);
        Hub.HoldTelemetry = false;
        var verdict = await WaitForLogAsync(first.GetProperty("ping_id").GetString()!, "Kept");
        var second = await Gateway.PingAsync(user);

        Assert.Equal((0, 1), ((int)verdict.Value("Marked")!, (int)verdict.Value("Kept")!));
        var registration = await Gateway.RegistrationAsync(client);
        Assert.Equal(("new-" + user, null), (registration.DevicePin, registration.InvalidReason));
        AssertOutcome(second, client, "sent", null);
        Assert.Single(Hub.Received, r => r.Handle == "new-" + user);
    }

    [Theory]
    [InlineData("WrongToken")]
    [InlineData("InvalidCredentials")]
    [InlineData("Throttled")]
    public async Task An_error_that_says_nothing_certain_about_the_device_is_logged_and_does_not_mark_it(string pnsError)
    {
        var user = await Gateway.NewUserAsync();
        var client = await Gateway.RegisterAsync(user, "WNS", "https://wns.example/?token=" + user);
        Hub.ReportPnsError("https://wns.example/?token=" + user, pnsError);

        var status = await Gateway.PingAsync(user);
        var reported = await WaitForLogAsync(status.GetProperty("ping_id").GetString()!, "Outcomes");

        Assert.Contains($"Wns {pnsError} 1", (string)reported.Value("Outcomes")!, StringComparison.Ordinal);
        Assert.Null((await Gateway.RegistrationAsync(client)).InvalidReason);
    }

    [Theory]
    [InlineData(401, "InvalidSignature: the token is not valid for this operation.")]
    [InlineData(403, "")]
    public async Task A_hub_that_refuses_its_telemetry_is_said_once_sends_go_on_and_nothing_is_pruned(int status, string detail)
    {
        Hub.AnswerForRoute(HubRoute.NotificationTelemetry, status, detail: detail);
        var user = await Gateway.NewUserAsync();
        var client = await Gateway.RegisterAsync(user, "APPLE", "dead-" + user);
        Hub.ReportPnsError("dead-" + user, "ExpiredChannel");

        var statuses = new List<System.Text.Json.JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add(await Gateway.PingAsync(user));
        }

        await WaitForAsync(() => Task.FromResult(Hub.RequestCount(HubRoute.NotificationTelemetry) == 3), "three telemetry reads");
        await WaitForAsync(() => Task.FromResult(Gateway.Logs.Records.Any(IsTelemetryRefusal)), "the refusal to be logged");
        Assert.All(statuses, s => AssertOutcome(s, client, "sent", null));
        Assert.Null((await Gateway.RegistrationAsync(client)).InvalidReason);
        Assert.Single(Gateway.Logs.Records, IsTelemetryRefusal);
        Assert.Equal(0, Hub.RequestCount(HubRoute.PnsErrorDetails));
    }

    private static bool IsTelemetryRefusal(CapturedLog record) =>
        record.Category == typeof(PnsFeedbackWatcher).FullName && record.Level == Microsoft.Extensions.Logging.LogLevel.Warning && record.Message.Contains("refuses", StringComparison.Ordinal);

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
                found = Gateway.Logs.Records.FirstOrDefault(r =>
                    r.Category == typeof(PnsFeedbackWatcher).FullName && r.Value("PingId")?.ToString() == pingId && r.Values.Any(v => v.Key == valueName));
                return Task.FromResult(found is not null);
            },
            $"the telemetry of ping {pingId} to be read");
        return found!;
    }
}
