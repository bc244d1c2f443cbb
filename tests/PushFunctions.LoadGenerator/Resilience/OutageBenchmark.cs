using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using PushFunctions.Testing;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.NotificationHubs;

namespace PushFunctions.LoadGenerator.Resilience;

/// <summary>
/// scripts/bench.sh outage: storage (a private Azurite, SIGSTOPped) or Notification Hubs (the local hub server answering
/// 503 to every send) unavailable for minutes while a ping goes to the same devices every 10 s, before, during and after.
/// The gateway runs with its production retry settings. Counts the pings accepted and refused, the slowest refusal, and,
/// once every accepted ping has ended, the pings lost (a device never sent it) and the sends beyond one per device.
/// </summary>
public static class OutageBenchmark
{
    public const string Usage = "  outage        --what storage|hub [--minutes 10]";

    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Lead = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string what, TimeSpan outage, int devices, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var azurite = await PrivateAzurite.StartAsync();
        await using var hub = await LocalNotificationHub.StartAsync("bench-hub");
        await using var gateway = await GatewayHost.StartAsync(reuse: new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["RhoConnect:ApiTokens"] = GatewayHost.ApiToken,
            ["PushQueue:QueueName"] = "pings",
            ["NotificationHubs:ConnectionString"] = hub.ConnectionString,
            ["NotificationHubs:HubName"] = "bench-hub",
        });
        await gateway.CreateUserAsync("outage");
        var handles = new List<string>();
        for (var i = 0; i < devices; i++)
        {
            handles.Add($"apns-outage-{i}");
            await gateway.RegisterDeviceAsync("outage", new Dictionary<string, string> { ["device_type"] = "APPLE", ["device_pin"] = handles[^1] });
        }

        var accepted = new List<(string PingId, string Message)>();
        var refused = new List<string>();
        var slowestRefusal = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var outageStarted = false;
        var outageEnded = false;
        for (var n = 0; clock.Elapsed < Lead + outage + Lead; n++)
        {
            if (!outageStarted && clock.Elapsed >= Lead)
            {
                outageStarted = true;
                await output.WriteLineAsync($"# {clock.Elapsed.TotalSeconds:F0} s: {what} outage begins");
                Begin(what, azurite, hub);
            }

            if (!outageEnded && clock.Elapsed >= Lead + outage)
            {
                outageEnded = true;
                End(what, azurite, hub);
                await output.WriteLineAsync($"# {clock.Elapsed.TotalSeconds:F0} s: {what} outage ends");
            }

            var message = string.Create(CultureInfo.InvariantCulture, $"outage-ping-{n}");
            var sent = Stopwatch.StartNew();
            using var response = await gateway.SendAuthorizedAsync(HttpMethod.Post, "/rc/v1/users/ping", new FormUrlEncodedContent([new("user_id", "outage"), new("message", message)]));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                accepted.Add((body.RootElement.GetProperty("ping_id").GetString()!, message));
            }
            else
            {
                refused.Add(message);
                slowestRefusal = sent.Elapsed > slowestRefusal ? sent.Elapsed : slowestRefusal;
            }

            await Task.Delay(PingInterval - TimeSpan.FromTicks(Math.Min(sent.Elapsed.Ticks, PingInterval.Ticks)));
        }

        if (!outageEnded)
        {
            End(what, azurite, hub);
        }

        var afterOutage = Stopwatch.StartNew();
        var states = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (pingId, _) in accepted)
        {
            var state = await WaitUntilEndedAsync(gateway, pingId);
            states[state] = states.GetValueOrDefault(state) + 1;
        }

        // Sends per device and ping. A ping answered 503 may still be delivered (the queue took the write after the
        // gateway stopped waiting): counted apart, it is a needless retry for its backend, not a lost or doubled ping.
        var sends = hub.Received
            .Select(r => (r.Handle, Message: accepted.Select(a => a.Message).Concat(refused).FirstOrDefault(m => r.Body.Contains($"\"{m}\"", StringComparison.Ordinal))))
            .GroupBy(send => send)
            .ToDictionary(g => g.Key, g => g.Count());
        var lost = accepted.Count(a => handles.Any(h => !sends.ContainsKey((h, a.Message))));
        var duplicates = sends.Where(p => accepted.Any(a => a.Message == p.Key.Message)).Sum(p => p.Value - 1);
        var refusedDelivered = refused.Count(m => sends.Keys.Any(k => k.Message == m));
        var refusedDuplicates = sends.Where(p => refused.Contains(p.Key.Message!)).Sum(p => p.Value - 1);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"outage_what {what}\noutage_seconds {outage.TotalSeconds:F0}\ndevices_per_ping {devices}\npings_accepted {accepted.Count}\n" +
            $"pings_refused_503 {refused.Count}\nslowest_503_seconds {slowestRefusal.TotalSeconds:F1}\n" +
            $"refused_pings_delivered_anyway {refusedDelivered}\nrefused_pings_sends_beyond_one_per_device {refusedDuplicates}\n" +
            $"pings_ended {string.Join(',', states.Select(s => $"{s.Key}:{s.Value}"))}\nall_ended_after_outage_seconds {afterOutage.Elapsed.TotalSeconds:F0}\n" +
            $"pings_lost {lost}\nduplicate_sends {duplicates}"));
        return lost == 0 && duplicates == 0 ? 0 : 1;
    }

    private static void Begin(string what, PrivateAzurite azurite, LocalNotificationHub hub)
    {
        if (what == "storage")
        {
            azurite.Freeze();
        }
        else
        {
            hub.AnswerForRoute(HubRoute.DirectBatchSend, 503);
        }
    }

    private static void End(string what, PrivateAzurite azurite, LocalNotificationHub hub)
    {
        if (what == "storage")
        {
            azurite.Resume();
        }
        else
        {
            hub.StopAnswering(HubRoute.DirectBatchSend);
        }
    }

    private static async Task<string> WaitUntilEndedAsync(GatewayHost gateway, string pingId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(20);
        while (true)
        {
            using var response = await gateway.SendAuthorizedAsync(HttpMethod.Get, $"/rc/v1/pings/{pingId}");
            if (response.IsSuccessStatusCode)
            {
                using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var state = status.RootElement.GetProperty("state").GetString()!;
                if (state is "done" or "failed" || DateTime.UtcNow > deadline)
                {
                    return state;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
