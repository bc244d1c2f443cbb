using PushFunctions.Azure.Stores;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.FanOut;
using PushFunctions.Core.Payloads;
using PushFunctions.Core.Pings;
using PushFunctions.Gateway.Telemetry;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// Delivers one ping: reads its users' devices, applies the fan-out rules, builds one payload per platform, hands
/// each channel its sends and records an outcome for every candidate. A candidate already recorded by an earlier
/// attempt is not sent again, so a redelivered message never sends a device the same ping twice.
/// </summary>
public sealed partial class PingDeliverer(
    RegistrationStore registrations,
    PingStatusStore status,
    IEnumerable<IDeliveryChannel> channels,
    PingMetrics metrics,
    TimeProvider time,
    ILogger<PingDeliverer> logger)
{
    /// <summary>Registration reads in flight at once (Azurite serves about 32 well).</summary>
    private const int ReadParallelism = 32;

    private readonly IReadOnlyList<IDeliveryChannel> _channels = channels.ToList();

    public async Task DeliverAsync(PingId id, Ping ping, CancellationToken cancellationToken)
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
        await Task.WhenAll(sendsByChannel.Select(group => SendThroughAsync(id, group.Key, group.Value, cancellationToken)));
        await status.CompleteAsync(id, cancellationToken);
        metrics.Delivered();
    }

    private async Task<IReadOnlyList<UserDevices>> ReadUsersAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        var users = new UserDevices[userIds.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, userIds.Count),
            new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken },
            async (i, token) => users[i] = await registrations.GetUserDevicesAsync(userIds[i], token));
        return users;
    }

    private async Task SendThroughAsync(PingId id, IDeliveryChannel channel, List<DeviceSend> sends, CancellationToken cancellationToken)
    {
        IReadOnlyList<DeviceOutcome> outcomes;
        var started = time.GetTimestamp();
        using (var activity = PingActivities.StartChannelSend(id, channel.Name, sends.Count))
        {
            try
            {
                outcomes = await channel.SendAsync(sends, cancellationToken);
                metrics.RecordChannelCall(channel.Name, time.GetElapsedTime(started), error: null);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A channel that fails as a whole fails its own devices only; other channels go on.
                metrics.RecordChannelCall(channel.Name, time.GetElapsedTime(started), e);
                activity.Failed("the channel failed", e);
                LogChannelFailed(logger, e, channel.Name, id.ToString());
                outcomes = sends.Select(s => s.Outcome(OutcomeStatus.Failed, OutcomeReasons.ChannelError(channel.Name))).ToList();
            }

            var failed = outcomes.Where(o => o.Status == OutcomeStatus.Failed).ToList();
            var reasons = failed.Count > 0 ? string.Join(", ", failed.Select(o => o.Reason).Distinct()) : null;
            activity?.SetTag(PingActivities.FailedCountAttribute, failed.Count);
            activity.Ended(failed.Count > 0 ? "failed" : "sent", reasons);
            if (failed.Count > 0)
            {
                LogDevicesFailed(logger, id.ToString(), failed.Count, sends.Count, channel.Name, reasons!);
            }
        }

        await status.RecordOutcomesAsync(id, outcomes, cancellationToken);
        metrics.RecordOutcomes(outcomes, channel.Name);
        // Each mark holds only if the registration is still the one read for this send (its ETag): a device that
        // registered again meanwhile keeps its new registration.
        var gone = sends.Zip(outcomes).Where(pair => pair.Second.Reason == OutcomeReasons.HandleGone).Select(pair => pair.First.Target.Client);
        foreach (var client in gone)
        {
            await registrations.MarkInvalidAsync(client, OutcomeReasons.HandleGone, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Channel} channel failed for ping {PingId}")]
    private static partial void LogChannelFailed(ILogger logger, Exception exception, string channel, string pingId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ping {PingId}: {Failed} of {Sent} devices failed through the {Channel} channel ({Reasons})")]
    private static partial void LogDevicesFailed(ILogger logger, string pingId, int failed, int sent, string channel, string reasons);
}
