using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using PushFunctions.Azure.NotificationHubs;
using PushFunctions.Azure.Stores;
using PushFunctions.Testing.Gateway;
using PushFunctions.Testing.NotificationHubs;
using PushFunctions.Testing.Storage;

namespace PushFunctions.LoadGenerator.Fanout;

/// <summary>
/// <c>fanout</c> mode (scripts/bench.sh fanout): the real gateway, in this process, over Azurite, delivering through the
/// local Notification Hubs server. <b>deep</b>: one ping to 100 users × 300 native devices (30,000 handles), device sends
/// per second handed to the hub and peak memory, beside the hub's own intake rate; <b>wide</b>: one ping to 10,000 users
/// × 3 devices, total time beside the time Azurite alone takes for the same 10,000 partition reads. Each ping's time is
/// split by the hub's arrival times: ping → first arrival (queue pickup and registration reads), first → last arrival
/// (sends), last arrival → done (outcomes recorded).
/// </summary>
public static class FanoutBenchmark
{
    public const string Usage = "  fanout        --connection CS [--deep-users 100] [--deep-devices 300] [--wide-users 10000] [--wide-devices 3]";

    // The issue's targets.
    private const double MinDeepSendsPerSecond = 10_000;
    private const double MaxDeepPeakMiB = 300;
    private const double MaxWideRatio = 1.5;

    private const string HubName = "bench-hub";

    private static readonly string[] Sources = ["Product"];

    /// <summary>Registration reads in flight, as the gateway's deliverer reads them.</summary>
    private const int ReadParallelism = 32;

    /// <returns>0 when every target was met, 3 when one was missed.</returns>
    public static async Task<int> RunAsync(
        string storageConnectionString, TextWriter output, CancellationToken cancellationToken,
        int deepUsers = 100, int deepDevices = 300, int wideUsers = 10_000, int wideDevices = 3)
    {
        ArgumentNullException.ThrowIfNull(output);
        var prefix = "fan" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var users = new TableClient(storageConnectionString, prefix + "Users");
        await users.CreateIfNotExistsAsync(cancellationToken);
        await using var hub = await LocalNotificationHub.StartAsync(HubName);
        try
        {
            var seeding = Stopwatch.StartNew();
            var deep = await FanoutSeeder.SeedAsync(users, "deep-", deepUsers, deepDevices, cancellationToken);
            var wide = await FanoutSeeder.SeedAsync(users, string.Empty, wideUsers, wideDevices, cancellationToken);
            Report(output, $"seeded {deepUsers} × {deepDevices} and {wideUsers} × {wideDevices} devices in {seeding.Elapsed.TotalSeconds:0.0} s");

            await using var gateway = await GatewayHost.StartAsync(reuse: new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = storageConnectionString,
                ["RhoConnect:ApiTokens"] = GatewayHost.ApiToken,
                ["PushQueue:QueueName"] = prefix + "-pings",
                ["PushQueue:MaxPollInterval"] = "00:00:00.050",
                ["Storage:TablePrefix"] = prefix,
                ["NotificationHubs:ConnectionString"] = hub.ConnectionString,
                ["NotificationHubs:HubName"] = HubName,
            });
            // Warm-up: JIT, connections and the queue on a ping of one user, outside every measurement.
            await PingAsync(gateway, hub, deep.Take(1).ToList(), cancellationToken);

            var deepIntake = await HubIntakeAsync(hub, deepUsers * deepDevices, cancellationToken);
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            ResetPeakMemory();
            var deepRun = await PingAsync(gateway, hub, deep, cancellationToken);
            var deepMemory = ProcessMemory.Read(Environment.ProcessId);
            var deepReads = await PartitionReadsAsync(users, deep, cancellationToken);
            var deepRate = deepRun.Handles / deepRun.Sends.TotalSeconds;
            Report(output, $"deep: {deepRun}");
            Report(output, $"deep: {deepRate:0} device sends/s handed to the hub; baseline: the hub alone takes {deepIntake:0} handles/s in batches of 1,000; Azurite alone reads the {deepUsers} partitions in {deepReads.TotalSeconds:0.000} s");
            Report(output, $"deep: process {deepMemory} (gateway, local hub and driver together: an upper bound for the gateway)");

            var wideBefore = await PartitionReadsAsync(users, wide, cancellationToken);
            Report(output, $"wide: baseline before the ping: Azurite alone reads the {wideUsers} partitions in {wideBefore.TotalSeconds:0.00} s");
            var wideRun = await PingAsync(gateway, hub, wide, cancellationToken);
            var wideAfter = await PartitionReadsAsync(users, wide, cancellationToken);
            var wideBaseline = (wideBefore + wideAfter) / 2;
            var wideRatio = wideRun.Total / wideBaseline;
            Report(output, $"wide: {wideRun}");
            Report(output, $"wide: {wideRatio:0.00}× the time Azurite alone takes for the same {wideUsers} partition reads ({wideBaseline.TotalSeconds:0.00} s: {wideBefore.TotalSeconds:0.00} s before, {wideAfter.TotalSeconds:0.00} s after, {ReadParallelism} in flight)");

            var rateMet = deepRate >= MinDeepSendsPerSecond && deepRun.Sent == deepRun.Handles;
            var memoryMet = deepMemory is null || deepMemory.PeakResidentKiB / 1024.0 <= MaxDeepPeakMiB;
            var wideMet = wideRatio <= MaxWideRatio && wideRun.Sent == wideRun.Handles;
            Report(output, $"targets: deep ≥ {MinDeepSendsPerSecond:0} sends/s {Verdict(rateMet)}, deep peak ≤ {MaxDeepPeakMiB} MiB {Verdict(memoryMet)}, wide ≤ {MaxWideRatio}× Azurite {Verdict(wideMet)}");
            return rateMet && memoryMet && wideMet ? 0 : 3;
        }
        finally
        {
            await CleanUpAsync(storageConnectionString, prefix);
        }
    }

    private static async Task<FanoutRun> PingAsync(GatewayHost gateway, LocalNotificationHub hub, IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        var before = hub.Received.Count;
        var started = Stopwatch.GetTimestamp();
        using var response = await gateway.SendAuthorizedAsync(HttpMethod.Post, "/rc/v1/users/ping",
            JsonContent.Create(new Dictionary<string, object> { ["user_id"] = userIds, ["message"] = "fanout benchmark", ["sources"] = Sources }));
        response.EnsureSuccessStatusCode();
        var pingId = (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("ping_id").GetString()!;
        var status = await WaitForPingAsync(gateway, pingId, cancellationToken);
        var done = Stopwatch.GetTimestamp();
        if (status.GetProperty("state").GetString() != "done")
        {
            throw new InvalidOperationException($"The benchmark ping failed: {status.GetProperty("error")}");
        }


        var received = hub.Received.Skip(before).ToList();
        var first = received.Count == 0 ? done : received.Min(r => r.ReceivedTimestamp);
        var last = received.Count == 0 ? done : received.Max(r => r.ReceivedTimestamp);
        var counts = status.GetProperty("counts");
        return new FanoutRun(
            userIds.Count,
            received.Count,
            counts.GetProperty("sent").GetInt32(),
            counts.GetProperty("failed").GetInt32(),
            Stopwatch.GetElapsedTime(started, done),
            Stopwatch.GetElapsedTime(started, first),
            Stopwatch.GetElapsedTime(first, last),
            Stopwatch.GetElapsedTime(last, done));
    }

    /// <summary>Polls the ping's status every 20 ms until it is done or failed; a loaded machine may need minutes for the wide ping.</summary>
    private static async Task<JsonElement> WaitForPingAsync(GatewayHost gateway, string pingId, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(10))
        {
            using var response = await gateway.SendAuthorizedAsync(HttpMethod.Get, $"/rc/v1/pings/{pingId}");
            if (response.IsSuccessStatusCode)
            {
                var status = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                if (status.GetProperty("state").GetString() is "done" or "failed")
                {
                    return status;
                }
            }

            await Task.Delay(20, cancellationToken);
        }

        throw new TimeoutException($"Ping {pingId} was not delivered within 10 minutes.");
    }

    /// <summary>The same partition reads the gateway makes, by Azurite alone, with the same number in flight.</summary>
    private static async Task<TimeSpan> PartitionReadsAsync(TableClient users, IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(userIds, new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken }, async (userId, token) =>
        {
            await foreach (var _ in users.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Encode(userId)}"), cancellationToken: token))
            {
            }
        });
        return clock.Elapsed;
    }

    /// <summary>How many handles per second the local hub takes from a client alone, in full batches, 16 in flight.</summary>
    private static async Task<double> HubIntakeAsync(LocalNotificationHub hub, int handles, CancellationToken cancellationToken)
    {
        var client = new NotificationHubClient(hub.ConnectionString, HubName);
        var batches = Enumerable.Range(0, handles).Select(i => string.Create(CultureInfo.InvariantCulture, $"intake-{i}")).Chunk(NotificationHubClient.MaxBatchHandles);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (batch, token) =>
            await client.SendDirectBatchAsync("apple", """{"aps":{"alert":"intake"},"do_sync":["Product"]}""", null, batch, token));
        return handles / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Linux: writing 5 to clear_refs resets VmHWM to the current resident size, so the peak is the deep ping's.</summary>
    private static void ResetPeakMemory()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            // Not Linux, or not allowed: the peak then covers the whole run, which only overstates it.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    private static async Task CleanUpAsync(string connectionString, string prefix)
    {
        foreach (var table in new[] { "Users", "ClientIndex", "Pings" })
        {
            try
            {
                await new TableClient(connectionString, prefix + table).DeleteAsync(CancellationToken.None);
            }
            catch (global::Azure.RequestFailedException)
            {
                // Never created.
            }
        }

        await new QueueClient(connectionString, prefix + "-pings").DeleteIfExistsAsync(CancellationToken.None);
        await new QueueClient(connectionString, prefix + "-pings-poison").DeleteIfExistsAsync(CancellationToken.None);
        await new BlobContainerClient(connectionString, prefix + "envelopes").DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
    }

    private static string Verdict(bool met) => met ? "met" : "MISSED";

    private static void Report(TextWriter output, FormattableString line) => output.WriteLine(line.ToString(CultureInfo.InvariantCulture));
}
