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
/// <c>relay</c> mode: (a) holds N long polls and reports the relay's memory and its slope per poll, (b) with M of them
/// held, posts messages at a fixed rate to random waiting devices and reports POST → poll-answer latency (every slow
/// answer with its time, so a periodic stall shows) beside the same rate of trivial round trips to the relay, (c) compares
/// the relay's durable message rate with Azurite's own single-entity upsert rate and checks that every queue-only device
/// holds what the relay answered 204 for (its newest messages, up to the relay's queue cap), (d) optionally fills the
/// queue-only devices' queues and reports the memory.
/// </summary>
public sealed class RelayBenchmark(RelayBenchmarkOptions options, TextWriter output)
{
    private const double MaxResidentMiB = 200;
    // The slope this benchmark measured for the relay before its log storage (11.4-11.8 KiB over four runs).
    private const double MaxKiBPerPoll = 11.8;
    private const double MaxP99Milliseconds = 5;
    private const double MaxLatencyMilliseconds = 50;
    private const double MinDurableRatio = 3.0;

    // What the load generator may allocate during the latency phase's warm-up and the phase without collecting: 27 MiB
    // measured for 3,000 messages and 3,000 round trips, set aside many times over.
    private const long LatencyPhaseAllocationBytes = 240L * 1024 * 1024;

    // Two seconds of messages and two of round trips.
    private static readonly TimeSpan LatencyWarmUp = TimeSpan.FromSeconds(4);

    // Answers slower than this are listed with their time into the phase.
    private static readonly TimeSpan SlowAnswer = TimeSpan.FromMilliseconds(10);

    private readonly LatencyRecorder latencies = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<(TimeSpan At, TimeSpan Latency)> slowAnswers = new();
    private readonly Stopwatch latencyPhase = new();
    private volatile bool recordingAnswers;
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

        var idleMemory = ReadRelayMemory();
        using var stopLatencyPolls = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopOtherPolls = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var latencyDevices = pollers[..options.LatencyPolls];
        var latencyPolling = await OpenPollsAsync(calls, latencyDevices, stopLatencyPolls.Token);
        var halfMemory = ReadRelayMemory();
        var otherPolling = await OpenPollsAsync(calls, pollers[options.LatencyPolls..], stopOtherPolls.Token);
        var heldMemory = ReadRelayMemory();
        var slope = PerPollKiB(halfMemory, heldMemory, options.Polls - options.LatencyPolls);
        Report($"(a) server memory: no polls {Describe(idleMemory)}; {options.LatencyPolls} polls {Describe(halfMemory)}; " +
            $"{options.Polls} polls {Describe(heldMemory)}; {slope:0.0} KiB per extra poll");

        await stopOtherPolls.CancelAsync();
        await otherPolling;

        // Closing thousands of connections is work of its own for both processes; the latency phase measures the steady state.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);

        // The load generator holds as many connections as the relay; its own collections would show up as relay latency, so
        // none runs from here to the phase's end: the memory it allocates meanwhile is set aside beforehand (setting it aside
        // may itself collect, before the warm-up). Counted, in case it ran out.
        var noCollections = GC.TryStartNoGCRegion(LatencyPhaseAllocationBytes);
        var clientCollections = GC.CollectionCount(0);
        var clientAllocated = GC.GetTotalAllocatedBytes();

        // The first messages meet cold paths in both processes (the load generator's first compilations and new connections
        // for its POSTs, the relay's first group commits) that a long-running relay has left behind: the same calls, not
        // recorded, come first.
        await CallAlternatelyAsync(calls, latencyDevices, LatencyWarmUp, cancellationToken);
        latencyPhase.Start();
        recordingAnswers = true;
        var (posted, roundTrips) = await CallAlternatelyAsync(calls, latencyDevices, options.LatencyDuration * 2, cancellationToken);
        recordingAnswers = false;
        if (noCollections && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }

        clientCollections = GC.CollectionCount(0) - clientCollections;
        clientAllocated = GC.GetTotalAllocatedBytes() - clientAllocated;
        var p50 = latencies.Percentile(50);
        var p99 = latencies.Percentile(99);
        Report($"(b) {posted} messages posted at {options.Rate}/s to {options.LatencyPolls} waiting devices, {latencies.Count} answers: " +
            $"POST → poll answer p50 {p50:0.00} ms, p95 {latencies.Percentile(95):0.00} ms, p99 {p99:0.00} ms, max {latencies.Max:0.0} ms " +
            $"(load generator in the warm-up and the phase: {clientAllocated / (1024.0 * 1024):0} MiB allocated, {clientCollections} collections)");
        var (baselineP50, baselineP99) = (roundTrips.Percentile(50), roundTrips.Percentile(99));
        Report($"    baseline, the odd seconds between them: {roundTrips.Count} GET {options.BaselinePath} round trips at {options.Rate}/s: p50 {baselineP50:0.00} ms, " +
            $"p95 {roundTrips.Percentile(95):0.00} ms, p99 {baselineP99:0.00} ms, max {roundTrips.Max:0.0} ms; " +
            $"POST → poll answer ÷ baseline: p50 {p50 / baselineP50:0.00}×, p99 {p99 / baselineP99:0.00}×");
        foreach (var second in slowAnswers.GroupBy(answer => (int)answer.At.TotalSeconds).OrderBy(group => group.Key))
        {
            Report($"    second {second.Key,3}: {second.Count()} answers over {SlowAnswer.TotalMilliseconds:0} ms, the slowest {second.Max(answer => answer.Latency).TotalMilliseconds:0.0} ms");
        }

        var durableMet = options.DurableDuration > TimeSpan.Zero ? await MeasureDurabilityAsync(calls, queueOnly, cancellationToken) : (bool?)null;

        if (options.FillQueues > 0)
        {
            var filling = Stopwatch.StartNew();
            await FillQueuesAsync(calls, queueOnly, cancellationToken);
            Report($"(d) {options.FillQueues} more messages posted to each of {queueOnly.Length} queue-only devices in {filling.Elapsed.TotalSeconds:0} s, " +
                $"{options.LatencyPolls} polls held: relay {Describe(ReadRelayMemory())}");

            // Full queues and every poll held at once: the relay's worst resident case.
            using var stopRefilledPolls = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var refilledPolling = await OpenPollsAsync(calls, pollers[options.LatencyPolls..], stopRefilledPolls.Token);
            Report($"    and {options.Polls} polls held: relay {Describe(ReadRelayMemory())}");
            await stopRefilledPolls.CancelAsync();
            await refilledPolling;
        }

        var finalMemory = ReadRelayMemory();
        await stopLatencyPolls.CancelAsync();
        await latencyPolling;
        Report($"server at the end: {Describe(finalMemory)}; poll errors {pollErrors}, poll timeouts {timedOutPolls}");
        Report($"load generator: {ProcessMemory.Read(Environment.ProcessId)}, GC pauses {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms in total " +
            $"({GC.CollectionCount(0)} gen0, {GC.CollectionCount(1)} gen1, {GC.CollectionCount(2)} gen2)");

        var memoryMet = heldMemory is null || heldMemory.ResidentKiB / 1024.0 <= MaxResidentMiB;
        var slopeMet = double.IsNaN(slope) || slope <= MaxKiBPerPoll;
        var latencyMet = p99 <= MaxP99Milliseconds && latencies.Max <= MaxLatencyMilliseconds;
        Report($"targets: memory with {options.Polls} polls ≤ {MaxResidentMiB} MiB {Verdict(memoryMet)}, ≤ {MaxKiBPerPoll} KiB per poll {Verdict(slopeMet)}, " +
            $"p99 ≤ {MaxP99Milliseconds} ms and max ≤ {MaxLatencyMilliseconds} ms {Verdict(latencyMet)}, " +
            $"durable ≥ {MinDurableRatio}× Azurite and every device holding what was answered 204 (up to the cap) {Verdict(durableMet)}");
        return memoryMet && slopeMet && latencyMet && durableMet != false ? 0 : 3;
    }

    private long ExpectedStored(BenchDevice device) => Math.Min(device.Accepted, options.QueueCap);

    /// <summary>
    /// (c): the durable message rate beside Azurite's own upsert rate, measured before and after it, and whether every
    /// queue-only device holds what was answered 204 for it.
    /// </summary>
    private async Task<bool> MeasureDurabilityAsync(RelayCalls calls, BenchDevice[] queueOnly, CancellationToken cancellationToken)
    {
        var azuriteBefore = await AzuriteUpsertRate.MeasureAsync(options.Storage, options.Concurrency, options.DurableDuration / 2, cancellationToken);
        var (accepted, relayRate) = await MeasureDurableRateAsync(calls, queueOnly, options.DurableDuration, cancellationToken);
        var azuriteAfter = await AzuriteUpsertRate.MeasureAsync(options.Storage, options.Concurrency, options.DurableDuration / 2, cancellationToken);
        var azuriteRate = (azuriteBefore + azuriteAfter) / 2;
        var ratio = relayRate / azuriteRate;
        Report($"(c) durable messages: relay {relayRate:0} msg/s, Azurite single-entity upserts {azuriteRate:0}/s ({azuriteBefore:0} before, {azuriteAfter:0} after), " +
            $"ratio {ratio:0.00}× at {options.Concurrency} in flight");
        // A device sent more than the relay's queue cap keeps its newest cap messages (the older are dropped and counted as
        // such), so every device must hold exactly min(answered 204, cap).
        var stored = await StoredMessageCount.CountAsync(
            options.Storage, options.TablePrefix + "Messages", queueOnly.Select(device => device.Instance).ToHashSet(StringComparer.Ordinal), cancellationToken);
        var expected = queueOnly.Sum(ExpectedStored);
        var mismatched = queueOnly.Count(device => stored[device.Instance] != ExpectedStored(device));
        Report($"    {accepted} messages answered 204, {stored.Values.Sum()} found in {options.TablePrefix}Messages, {expected} expected " +
            $"({accepted - expected} beyond the {options.QueueCap}-message cap of their device); devices holding other than expected: {mismatched}");
        return ratio >= MinDurableRatio && mismatched == 0;
    }

    private static string Describe(ProcessMemory? memory) => memory?.ToString() ?? "not read (no --pid)";

    private static double PerPollKiB(ProcessMemory? before, ProcessMemory? after, int polls) =>
        before is null || after is null || polls == 0 ? double.NaN : (after.ResidentKiB - before.ResidentKiB) / (double)polls;

    private static string Verdict(bool? met) => met switch
    {
        true => "met",
        false => "MISSED",
        null => "not measured",
    };

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
                    if (posted is { } timestamp && recordingAnswers)
                    {
                        var latency = Stopwatch.GetElapsedTime(timestamp);
                        latencies.Record(latency);
                        if (latency >= SlowAnswer)
                        {
                            slowAnswers.Enqueue((latencyPhase.Elapsed, latency));
                        }
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

    /// <summary>
    /// (b) and its baseline, second by second in turn for <paramref name="duration"/>: in even seconds one message every
    /// 1/rate seconds to a random device whose poll is waiting, in odd seconds the relay's trivial route at the same rate.
    /// The baseline is what the machine, the server and the load generator add to any round trip, met in the same seconds
    /// of machine noise as the messages (a shared machine's bursts last seconds); the messages add their own path
    /// (authentication, the queue, the waiting poll's answer). The poll loops record the answers while
    /// <see cref="recordingAnswers"/> is set.
    /// </summary>
    private async Task<(int Posted, LatencyRecorder RoundTrips)> CallAlternatelyAsync(
        RelayCalls calls, BenchDevice[] devices, TimeSpan duration, CancellationToken cancellationToken)
    {
        var roundTrips = new LatencyRecorder();
        var posted = 0;
        await CallAtRateAsync(
            duration,
            sequence => sequence / options.Rate % 2 == 0 ? PostToWaitingDevice(sequence) : TimeBaselineAsync(),
            cancellationToken);

        // Answers still in flight arrive before the caller reads or stops recording them.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return (posted, roundTrips);

        Task? PostToWaitingDevice(long sequence)
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var device = devices[Random.Shared.Next(devices.Length)];
                if (device.TryClaimForMessage(Stopwatch.GetTimestamp()))
                {
                    posted++;
                    return calls.PostMessageAsync(device, sequence, cancellationToken);
                }
            }

            return null;
        }

        async Task TimeBaselineAsync()
        {
            var started = Stopwatch.GetTimestamp();
            await calls.GetBaselineAsync(cancellationToken);
            roundTrips.Record(Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// Starts the call numbered 0, 1, … every 1/rate seconds for <paramref name="duration"/> (a call that returns null is
    /// skipped) and waits for them all.
    /// </summary>
    private async Task CallAtRateAsync(TimeSpan duration, Func<long, Task?> start, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        var calls = new List<Task>();
        var clock = Stopwatch.StartNew();
        var sequence = 0L;
        while (clock.Elapsed < duration && await timer.WaitForNextTickAsync(cancellationToken))
        {
            // Catch up on the calls due by now, so a late tick (a busy machine) does not lower the rate.
            for (var due = (long)(clock.Elapsed.TotalSeconds * options.Rate); sequence < due; sequence++)
            {
                if (start(sequence) is { } call)
                {
                    calls.Add(call);
                }
            }
        }

        await Task.WhenAll(calls);
    }

    /// <summary>(c): POSTs to devices that do not poll (so every message stays stored), as fast as the relay takes them.</summary>
    private async Task<(long Accepted, double PerSecond)> MeasureDurableRateAsync(
        RelayCalls calls, BenchDevice[] devices, TimeSpan duration, CancellationToken cancellationToken)
    {
        var refused = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async worker =>
        {
            for (var sequence = 0L; clock.Elapsed < duration; sequence++)
            {
                var device = devices[Random.Shared.Next(devices.Length)];
                if (await calls.PostMessageAsync(device, sequence, cancellationToken))
                {
                    device.CountAccepted();
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

        var elapsed = clock.Elapsed;
        var queued = devices.Sum(device => device.Accepted);
        return (queued, queued / elapsed.TotalSeconds);
    }

    /// <summary>(d): fills every queue-only device's queue with the same number of messages.</summary>
    private async Task FillQueuesAsync(RelayCalls calls, BenchDevice[] devices, CancellationToken cancellationToken)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async worker =>
        {
            for (var index = Interlocked.Increment(ref next); index < devices.Length; index = Interlocked.Increment(ref next))
            {
                for (var sequence = 0; sequence < options.FillQueues; sequence++)
                {
                    await calls.PostMessageAsync(devices[index], sequence, cancellationToken);
                }
            }
        }));
    }

    private ProcessMemory? ReadRelayMemory() => options.RelayPid is { } pid ? ProcessMemory.Read(pid) : null;

    private void Report(string line)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.UtcNow:HH:mm:ss}] {line}"));
        output.Flush();
    }
}
