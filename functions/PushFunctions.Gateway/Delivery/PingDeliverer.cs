using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.FanOut;
using PushFunctions.Core.Payloads;
using PushFunctions.Core.Pings;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Telemetry;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// Delivers one ping: reads its users' devices, applies the fan-out rules, builds one payload per platform, hands
/// each channel its sends and records an outcome for every candidate. Each send is claimed before it is made and
/// recorded after it: a candidate already recorded by an earlier attempt is not sent again, and one claimed by a
/// delivery still running is left to it, so a device gets a ping twice only if a delivery dies between a send and
/// its record. A device whose channel is unavailable (<see cref="OutcomeStatus.Deferred"/>) is left to the next
/// attempt, and fails only on the last one.
/// </summary>
public sealed partial class PingDeliverer(
    RegistrationStore registrations,
    PingStatusStore status,
    IEnumerable<IDeliveryChannel> channels,
    PingMetrics metrics,
    TimeProvider time,
    IOptions<PushQueueOptions> options,
    ILogger<PingDeliverer> logger)
{
    /// <summary>Registration reads in flight at once (Azurite serves about 32 well).</summary>
    private const int ReadParallelism = 32;

    /// <summary>
    /// Sends claimed, made and recorded together: what a delivery that dies can leave sent but unrecorded, per slice in
    /// flight. A Notification Hubs batch holds as many handles.
    /// </summary>
    private const int SliceSize = 1000;

    /// <summary>Slices of one channel's sends in flight at once, so a large fan-out is not one slice after another.</summary>
    private const int SlicesInFlight = 4;

    private static readonly TimeSpan RecordRetryCeiling = TimeSpan.FromSeconds(30);

    private const string HeldElsewhere = "being sent by another delivery";

    private readonly IReadOnlyList<IDeliveryChannel> _channels = channels.ToList();

    /// <returns>Null when every candidate has its outcome; otherwise what the ping waits for, to be retried.</returns>
    public async Task<string?> DeliverAsync(PingId id, Ping ping, long attempt, int maxAttempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ping);
        metrics.RecordQueueAge(time.GetUtcNow() - ping.AcceptedAt);
        var recorded = (await status.BeginDeliveryAsync(id, ping, cancellationToken)).Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        var plan = FanOutPlanner.Plan(await ReadUsersAsync(ping.UserIds, cancellationToken));

        var outcomes = plan.Skipped.Where(o => !recorded.Contains(o.Key)).ToList();
        var sendsByChannel = new Dictionary<IDeliveryChannel, List<DeviceSend>>();
        var payloads = new Dictionary<(Platform, string?), PayloadResult>();
        foreach (var target in plan.Targets.Where(t => !recorded.Contains(t.OutcomeKey)))
        {
            // Only FCM and WNS payloads carry phone_id; the others are built once per platform.
            var phoneId = target.Platform is Platform.Fcm or Platform.Wns ? target.Client.PhoneId : null;
            if (!payloads.TryGetValue((target.Platform, phoneId), out var payload))
            {
                payload = PayloadBuilder.Build(target.Platform, ping.Notification, phoneId);
                payloads[(target.Platform, phoneId)] = payload;
            }

            if (!payload.Succeeded)
            {
                outcomes.Add(target.Outcome(OutcomeStatus.Failed, payload.Error));
                continue;
            }

            var channel = _channels.First(c => c.Serves(target.Platform));
            if (!sendsByChannel.TryGetValue(channel, out var sends))
            {
                sendsByChannel[channel] = sends = [];
            }

            sends.Add(new DeviceSend(id, target, payload.Payload));
        }

        metrics.RecordFanOut(sendsByChannel.Values.Sum(sends => sends.Count));
        await status.RecordOutcomesAsync(id, outcomes, cancellationToken);
        metrics.RecordOutcomes(outcomes, channel: null);
        var lastAttempt = attempt >= maxAttempts;
        var left = (await Task.WhenAll(sendsByChannel.Select(group => SendThroughAsync(id, group.Key, group.Value, lastAttempt, cancellationToken))))
            .SelectMany(reasons => reasons).ToList();
        var gaveUp = left.Where(l => l.GaveUp).Select(l => l.Reason).ToList();
        var waiting = left.Where(l => !l.GaveUp).Select(l => l.Reason).ToList();
        if (waiting.Count > 0)
        {
            var reason = Describe(waiting) + string.Create(CultureInfo.InvariantCulture, $"; retried after attempt {attempt} of {maxAttempts}");
            await status.MarkWaitingAsync(id, reason, cancellationToken);
            return reason;
        }

        if (gaveUp.Count > 0)
        {
            await status.MarkFailedAsync(id, string.Create(CultureInfo.InvariantCulture, $"delivery gave up after {attempt} attempts: {Describe(gaveUp)}"), cancellationToken);
            metrics.Failed(PingMetrics.FailReasons.AttemptsExhausted);
            return null;
        }

        await status.CompleteAsync(id, cancellationToken);
        metrics.Delivered();
        return null;
    }

    /// <summary>"3 devices: notification hubs answered 503; 1 device: being sent by another delivery".</summary>
    private static string Describe(List<string> reasons) => string.Join("; ", reasons
        .GroupBy(r => r, StringComparer.Ordinal)
        .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} device{(g.Count() == 1 ? string.Empty : "s")}: {g.Key}")));

    private async Task<IReadOnlyList<UserDevices>> ReadUsersAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        var users = new UserDevices[userIds.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, userIds.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken },
            async (i, token) => users[i] = await registrations.GetUserDevicesAsync(userIds[i], token));
        return users;
    }

    /// <returns>The devices this attempt did not settle: deferred or held elsewhere, or (on the last attempt) given up.</returns>
    private async Task<List<(string Reason, bool GaveUp)>> SendThroughAsync(
        PingId id, IDeliveryChannel channel, List<DeviceSend> sends, bool lastAttempt, CancellationToken cancellationToken)
    {
        var left = new ConcurrentBag<(string Reason, bool GaveUp)>();
        // Stopping: slices not claimed yet are left to the message's redelivery.
        await Parallel.ForEachAsync(
            sends.Chunk(SliceSize),
            new ParallelOptions { MaxDegreeOfParallelism = SlicesInFlight, CancellationToken = cancellationToken },
            async (slice, token) =>
            {
                foreach (var device in await SendSliceAsync(id, channel, slice, lastAttempt, token))
                {
                    left.Add(device);
                }
            });
        return [.. left];
    }

    /// <summary>Claims a slice of sends, makes the ones it got and records them.</summary>
    private async Task<List<(string Reason, bool GaveUp)>> SendSliceAsync(
        PingId id, IDeliveryChannel channel, DeviceSend[] slice, bool lastAttempt, CancellationToken cancellationToken)
    {
        var claims = (await status.ClaimSendsAsync(id, slice.Select(s => s.Target.OutcomeKey).ToList(), options.Value.SendClaimLifetime, cancellationToken))
            .ToDictionary(c => c.Key, StringComparer.Ordinal);
        var left = Enumerable.Repeat((HeldElsewhere, false), slice.Length - claims.Count).ToList();
        var claimed = slice.Where(s => claims.ContainsKey(s.Target.OutcomeKey)).ToList();
        if (claimed.Count == 0)
        {
            return left;
        }

        var outcomes = await SendClaimedAsync(id, channel, claimed, claims, cancellationToken);
        var settled = outcomes.Where(o => o.Status != OutcomeStatus.Deferred).ToList();
        var deferred = outcomes.Where(o => o.Status == OutcomeStatus.Deferred).ToList();
        if (lastAttempt)
        {
            // Given up: what is still unavailable fails, with the channel's last reason.
            settled.AddRange(deferred.Select(o => o with { Status = OutcomeStatus.Failed }));
            left.AddRange(deferred.Select(o => (Reason(o, channel), true)));
            deferred = [];
        }

        left.AddRange(deferred.Select(o => (Reason(o, channel), false)));
        var failed = settled.Where(o => o.Status == OutcomeStatus.Failed).ToList();
        if (failed.Count > 0)
        {
            LogDevicesFailed(logger, id.ToString(), failed.Count, claimed.Count, channel.Name, string.Join(", ", failed.Select(o => o.Reason).Distinct()));
        }

        await RecordSentAsync(id, settled, cancellationToken);
        await status.ReleaseClaimsAsync(id, deferred.Select(o => claims[o.Key]).ToList(), cancellationToken);
        metrics.RecordOutcomes(settled.Concat(deferred), channel.Name);
        // Each mark holds only if the registration is still the one read for this send (its ETag): a device that
        // registered again meanwhile keeps its new registration.
        var gone = claimed.Zip(outcomes).Where(pair => pair.Second.Reason == OutcomeReasons.HandleGone).Select(pair => pair.First.Target.Client);
        foreach (var client in gone)
        {
            await registrations.MarkInvalidAsync(client, OutcomeReasons.HandleGone, cancellationToken);
        }

        return left;
    }

    private static string Reason(DeviceOutcome outcome, IDeliveryChannel channel) => outcome.Reason ?? OutcomeReasons.ChannelError(channel.Name);

    /// <summary>
    /// Records what was sent. Until the record is written the sends would be made again by a redelivery, so a failed
    /// write (storage unavailable) is retried while this delivery runs, which keeps its message.
    /// </summary>
    private async Task RecordSentAsync(PingId id, List<DeviceOutcome> outcomes, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await status.RecordOutcomesAsync(id, outcomes, cancellationToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogRecordFailed(logger, e, id.ToString(), outcomes.Count, attempt);
                await Task.Delay(RedeliveryBackoff.DelayAfter(attempt, TimeSpan.FromSeconds(1), RecordRetryCeiling), cancellationToken);
            }
        }
    }

    private async Task<List<DeviceOutcome>> SendClaimedAsync(
        PingId id, IDeliveryChannel channel, List<DeviceSend> sends, Dictionary<string, SendClaim> claims, CancellationToken cancellationToken)
    {
        List<DeviceOutcome> outcomes;
        var started = time.GetTimestamp();
        using var activity = PingActivities.StartChannelSend(id, channel.Name, sends.Count);
        try
        {
            outcomes = (await channel.SendAsync(sends, cancellationToken)).ToList();
            metrics.RecordChannelCall(channel.Name, time.GetElapsedTime(started), error: null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped mid-send: whether the service took it is unknown, so the redelivery sends it again (at least once).
            activity.Ended("stopped");
            await status.ReleaseClaimsAsync(id, claims.Values.ToList(), CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            // A channel that fails as a whole fails its own devices only; other channels go on.
            metrics.RecordChannelCall(channel.Name, time.GetElapsedTime(started), e);
            activity.Failed("the channel failed", e);
            LogChannelFailed(logger, e, channel.Name, id.ToString());
            outcomes = sends.Select(s => s.Outcome(OutcomeStatus.Failed, OutcomeReasons.ChannelError(channel.Name))).ToList();
        }

        var failed = outcomes.Count(o => o.Status == OutcomeStatus.Failed);
        var deferred = outcomes.Count(o => o.Status == OutcomeStatus.Deferred);
        var unsent = outcomes.Where(o => o.Status is OutcomeStatus.Failed or OutcomeStatus.Deferred).Select(o => o.Reason).Distinct().ToList();
        activity?.SetTag(PingActivities.FailedCountAttribute, failed);
        activity?.SetTag(PingActivities.DeferredCountAttribute, deferred);
        activity.Ended(failed > 0 ? "failed" : deferred > 0 ? "deferred" : "sent", unsent.Count > 0 ? string.Join(", ", unsent) : null);
        return outcomes;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Channel} channel failed for ping {PingId}")]
    private static partial void LogChannelFailed(ILogger logger, Exception exception, string channel, string pingId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ping {PingId}: {Failed} of {Sent} devices failed through the {Channel} channel ({Reasons})")]
    private static partial void LogDevicesFailed(ILogger logger, string pingId, int failed, int sent, string channel, string reasons);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ping {PingId}: recording {Count} outcomes failed (try {Try}); retrying, as the devices were sent")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string pingId, int count, int @try);
}
