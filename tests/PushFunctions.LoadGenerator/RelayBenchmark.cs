using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime;
using System.Text.Json;
using Azure.Data.Tables;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Users;

namespace PushFunctions.LoadGenerator;

/// <summary>
/// <c>relay</c> mode: (a) holds N long polls and reports the relay's memory, (b) posts M messages/s to random waiting
/// devices and reports POST → poll-answer latency, (c) compares the relay's durable message rate with Azurite's insert rate.
/// </summary>
public sealed class RelayBenchmark(RelayBenchmarkOptions options, TextWriter output)
{
    // The targets of the issue: 10,000 polls in 400 MB, p99 at most 50 ms, at least 40 % of Azurite's insert rate.
    private const double MaxResidentMiB = 400;
    private const double MaxP99Milliseconds = 50;
    private const double MinDurableRatio = 0.40;

    private readonly LatencyRecorder latencies = new();
    private long pollErrors;
    private long timedOutPolls;

    /// <returns>0 when every target was met, 3 when one was missed.</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(30),
        })
        {
            BaseAddress = options.Relay,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var calls = new RelayCalls(http, options);
        await CreateUserAsync(cancellationToken);

        Report($"setting up {options.Polls} polling and {options.DurableDevices} queue-only devices on {options.Relay}");
        var setup = Stopwatch.StartNew();
        var pollers = await CreateDevicesAsync(calls, options.Polls, cancellationToken);
        var queueOnly = await CreateDevicesAsync(calls, options.DurableDevices, cancellationToken);
        Report($"setup took {setup.Elapsed.TotalSeconds:0.0} s");

        using var stopPolling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var polling = await OpenPollsAsync(calls, pollers, stopPolling.Token);
        var heldMemory = ReadRelayMemory();
        Report($"(a) {options.Polls} long polls held; relay {heldMemory?.ToString() ?? "memory not read (no --pid)"}");

        // The load generator holds as many connections as the relay; its own blocking collections would show up as relay latency.
        var latencyMode = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.SustainedLowLatency;
        var posted = await PostAtRateAsync(calls, pollers, cancellationToken);
        GCSettings.LatencyMode = latencyMode;
        var p50 = latencies.Percentile(50);
        var p95 = latencies.Percentile(95);
        var p99 = latencies.Percentile(99);
        Report($"(b) {posted} messages posted at {options.Rate}/s to waiting devices, {latencies.Count} answers: POST → poll answer p50 {p50:0.0} ms, p95 {p95:0.0} ms, p99 {p99:0.0} ms");

        var azuriteBefore = await AzuriteInsertRate.MeasureAsync(options.Storage, options.Concurrency, options.DurableDuration / 2, cancellationToken);
        var relayRate = await MeasureDurableRateAsync(calls, queueOnly, cancellationToken);
        var azuriteAfter = await AzuriteInsertRate.MeasureAsync(options.Storage, options.Concurrency, options.DurableDuration / 2, cancellationToken);
        var azuriteRate = (azuriteBefore + azuriteAfter) / 2;
        var ratio = relayRate / azuriteRate;
        Report($"(c) durable messages: relay {relayRate:0} msg/s, Azurite inserts {azuriteRate:0}/s ({azuriteBefore:0} before, {azuriteAfter:0} after), " +
            $"ratio {ratio:P0} at {options.Concurrency} in flight");

        var finalMemory = ReadRelayMemory();
        await stopPolling.CancelAsync();
        await polling;
        Report($"relay at the end: {finalMemory?.ToString() ?? "not read"}; poll errors {pollErrors}, poll timeouts {timedOutPolls}");
        Report($"load generator: {ProcessMemory.Read(Environment.ProcessId)}, GC pauses {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms in total " +
            $"({GC.CollectionCount(0)} gen0, {GC.CollectionCount(1)} gen1, {GC.CollectionCount(2)} gen2)");

        var memoryMet = finalMemory is null || finalMemory.PeakResidentKiB / 1024.0 <= MaxResidentMiB;
        var latencyMet = p99 <= MaxP99Milliseconds;
        var durableMet = ratio >= MinDurableRatio;
        Report($"targets: memory ≤ {MaxResidentMiB} MiB {Verdict(memoryMet)}, p99 ≤ {MaxP99Milliseconds} ms {Verdict(latencyMet)}, " +
            $"durable ≥ {MinDurableRatio:P0} {Verdict(durableMet)}");
        return memoryMet && latencyMet && durableMet ? 0 : 3;
    }

    private static string Verdict(bool met) => met ? "met" : "MISSED";

    private async Task CreateUserAsync(CancellationToken cancellationToken)
    {
        var users = new UserStore(new TableClient(options.Storage, options.UsersTable));
        await users.Table.CreateIfNotExistsAsync(cancellationToken);
        await users.SaveAsync(new UserRecord(options.User, PasswordHasher.Hash(options.Password)), cancellationToken);
    }

    private async Task<BenchDevice[]> CreateDevicesAsync(RelayCalls calls, int count, CancellationToken cancellationToken)
    {
        var devices = new BenchDevice[count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = options.SetupConcurrency, CancellationToken = cancellationToken },
            async (index, token) => devices[index] = await calls.CreateDeviceAsync(token));
        return devices;
    }

    /// <summary>Opens every device's poll loop, a few hundred at a time so the listen backlog is not flooded.</summary>
    private async Task<Task> OpenPollsAsync(RelayCalls calls, BenchDevice[] devices, CancellationToken stop)
    {
        const int burst = 250;
        var loops = new List<Task>(devices.Length);
        for (var start = 0; start < devices.Length; start += burst)
        {
            loops.AddRange(devices.Skip(start).Take(burst).Select(device => PollLoopAsync(calls, device, stop)));
            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }

        // Let the last polls reach the relay and settle before memory is read.
        await Task.Delay(TimeSpan.FromSeconds(3), CancellationToken.None);
        return Task.WhenAll(loops);
    }

    private async Task PollLoopAsync(RelayCalls calls, BenchDevice device, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                device.MarkWaiting();
                using var response = await calls.PollAsync(device, stop);
                var posted = device.TakePostedTimestamp();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    if (posted is { } timestamp)
                    {
                        latencies.Record(Stopwatch.GetElapsedTime(timestamp));
                    }

                    using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stop));
                    device.LastMessage = document.RootElement.GetProperty("id").GetInt64();
                }
                else if (response.StatusCode == HttpStatusCode.NoContent)
                {
                    Interlocked.Increment(ref timedOutPolls);
                }
                else
                {
                    Interlocked.Increment(ref pollErrors);
                    await Task.Delay(TimeSpan.FromSeconds(1), stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref pollErrors);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    /// <summary>(b): one message every 1/rate seconds to a random device whose poll is waiting.</summary>
    private async Task<int> PostAtRateAsync(RelayCalls calls, BenchDevice[] devices, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        var posts = new List<Task>();
        var clock = Stopwatch.StartNew();
        var sequence = 0L;
        while (clock.Elapsed < options.LatencyDuration && await timer.WaitForNextTickAsync(cancellationToken))
        {
            // Catch up on the messages due by now, so a late tick (a busy machine) does not lower the rate.
            for (var due = (long)(clock.Elapsed.TotalSeconds * options.Rate); sequence < due; sequence++)
            {
                for (var attempt = 0; attempt < 20; attempt++)
                {
                    var device = devices[Random.Shared.Next(devices.Length)];
                    if (device.TryClaimForMessage(Stopwatch.GetTimestamp()))
                    {
                        posts.Add(calls.PostMessageAsync(device, sequence, cancellationToken));
                        break;
                    }
                }
            }
        }

        await Task.WhenAll(posts);

        // Answers still in flight are counted before the percentiles are read.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return posts.Count;
    }

    /// <summary>(c): POSTs to devices that do not poll (so each message is one durable write), as fast as the relay takes them.</summary>
    private async Task<double> MeasureDurableRateAsync(RelayCalls calls, BenchDevice[] devices, CancellationToken cancellationToken)
    {
        var queued = 0L;
        var refused = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async worker =>
        {
            for (var sequence = 0L; clock.Elapsed < options.DurableDuration; sequence++)
            {
                var device = devices[Random.Shared.Next(devices.Length)];
                if (await calls.PostMessageAsync(device, sequence, cancellationToken))
                {
                    Interlocked.Increment(ref queued);
                }
                else
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }));

        if (refused > 0)
        {
            Report($"    {refused} messages were not accepted during the durable phase");
        }

        return queued / clock.Elapsed.TotalSeconds;
    }

    private ProcessMemory? ReadRelayMemory() => options.RelayPid is { } pid ? ProcessMemory.Read(pid) : null;

    private void Report(string line)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.UtcNow:HH:mm:ss}] {line}"));
        output.Flush();
    }
}
