using System.Net.Http.Json;
using System.Text.Json;
using PushFunctions.Azure.Stores;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Pings;
using PushFunctions.Testing;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.NotificationHubs;
using PushFunctions.Testing.Storage;
using Xunit.Abstractions;

namespace PushFunctions.IntegrationTests.Resilience;

/// <summary>
/// At least once, and twice only for what was in flight: the gateway's own process is killed (SIGKILL) in the middle of
/// a 3,000-device fan-out through the local Notification Hubs server, which counts every handle it accepts; a second
/// process then finishes the ping. docs/benchmarks.md records this test's output line.
/// </summary>
public sealed class ProcessKillTests(ITestOutputHelper output)
{
    private const int Devices = 3000;

    [Fact]
    public async Task A_gateway_killed_in_the_middle_of_a_3000_device_fan_out_loses_no_device_and_sends_twice_only_what_was_sent_but_not_recorded()
    {
        await using var hub = await LocalNotificationHub.StartAsync("push-hub");
        var prefix = AzuriteEnvironment.NewTableName("k")[..12];
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = AzuriteEnvironment.ConnectionString,
            ["RhoConnect:ApiTokens"] = GatewayHost.ApiToken,
            ["PushQueue:QueueName"] = AzuriteEnvironment.NewQueueName("kill"),
            ["Storage:TablePrefix"] = prefix,
            ["NotificationHubs:ConnectionString"] = hub.ConnectionString,
            ["NotificationHubs:HubName"] = "push-hub",
            // What the dead process held comes back soon: its message within 5 s, its claims within 10 s.
            ["PushQueue:VisibilityTimeout"] = "00:00:05",
            ["PushQueue:SendClaimLifetime"] = "00:00:10",
            ["PushQueue:RetryBaseDelay"] = "00:00:01",
            ["PushQueue:MaxRetryDelay"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        var status = new PingStatusStore(
            new TableClient(AzuriteEnvironment.ConnectionString, prefix + "Pings"), new BlobContainerClient(AzuriteEnvironment.ConnectionString, (prefix + "envelopes").ToLowerInvariant()));
        PingId id;
        HashSet<string> sentBeforeKill;
        Dictionary<string, string> clientOfHandle;
        // The first third is answered at once; the rest reaches the hub but its answers are slow, so however fast or busy
        // the machine, the kill lands while sends are taken by the hub and not yet recorded.
        hub.HandlesAnsweredPromptly = Devices / 3;
        await using (var first = await GatewayProcess.StartAsync(settings))
        {
            var users = new TableClient(AzuriteEnvironment.ConnectionString, prefix + "Users");
            var user = Assert.Single(await FanoutSeeder.SeedAsync(users, "kill-", 1, Devices, CancellationToken.None));
            clientOfHandle = (await new RegistrationStore(users, new TableClient(AzuriteEnvironment.ConnectionString, prefix + "ClientIndex")).ListAsync(user))
                .ToDictionary(c => c.DevicePin!, c => c.ClientId, StringComparer.Ordinal);
            Assert.True(PingId.TryParse(await PingAsync(first.Client, user), out id));
            // A send beyond the promptly answered third has reached the hub: the fan-out cannot end before the kill.
            await UntilAsync(() => Task.FromResult(hub.Received.Count > Devices / 3), first);
            await first.KillAsync();
            sentBeforeKill = hub.Received.Select(r => r.Handle).ToHashSet(StringComparer.Ordinal);
        }

        hub.HandlesAnsweredPromptly = long.MaxValue;
        var recordedBeforeKill = ((await status.GetAsync(id))?.Devices ?? []).Where(d => d.Status == OutcomeStatus.Sent).Select(d => d.ClientId!).ToHashSet(StringComparer.Ordinal);
        Assert.True(recordedBeforeKill.Count < Devices, "the fan-out had ended before the kill");

        await using (var second = await GatewayProcess.StartAsync(settings))
        {
            await UntilAsync(async () => (await status.GetAsync(id))?.State == Core.Status.PingState.Done, second);
        }

        var final = (await status.GetAsync(id))!;
        var sendsPerHandle = hub.Received.GroupBy(r => r.Handle, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var duplicates = sendsPerHandle.Where(p => p.Value > 1).Select(p => p.Key).ToList();
        var inFlight = sentBeforeKill.Count(handle => !recordedBeforeKill.Contains(clientOfHandle[handle]));
        var result = $"devices {Devices}, sent before the kill {sentBeforeKill.Count}, recorded before the kill {recordedBeforeKill.Count}, sent but not recorded (in flight) {inFlight}, lost {Devices - sendsPerHandle.Count}, sent twice {duplicates.Count}, sent more than twice {sendsPerHandle.Count(p => p.Value > 2)}";
        output.WriteLine(result);
        // Kept beside the run's other artifacts (scripts/test.sh keeps artifacts/test-results), for docs/benchmarks.md.
        if (Environment.GetEnvironmentVariable(Console.HeadlessChromium.ArtifactsVariable) is { Length: > 0 } artifacts)
        {
            await File.WriteAllTextAsync(Path.Combine(artifacts, "process-kill.txt"), result + "\n");
        }

        Assert.Equal(Devices, sendsPerHandle.Count);
        Assert.Equal(Devices, final.Count(OutcomeStatus.Sent));
        Assert.All(sendsPerHandle.Values, n => Assert.InRange(n, 1, 2));
        // Sent twice only if it was sent before the kill and not yet recorded as sent.
        Assert.All(duplicates, handle => Assert.True(sentBeforeKill.Contains(handle) && !recordedBeforeKill.Contains(clientOfHandle[handle]), $"{handle} was sent twice but was not in flight at the kill"));
    }

    private static async Task<string> PingAsync(HttpClient client, string user)
    {
        using var request = GatewayHost.Authorized(HttpMethod.Post, "/rc/v1/users/ping", new FormUrlEncodedContent([new("user_id", user), new("message", "fan-out")]));
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ping_id").GetString()!;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, GatewayProcess gateway)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not reached within 3 minutes. The gateway's last output:\n{gateway.RecentOutput}");
            }

            await Task.Delay(20);
        }
    }
}
