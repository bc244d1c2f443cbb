using System.Diagnostics;
using System.Diagnostics.Metrics;
using PushFunctions.Core.Delivery;

namespace PushFunctions.Gateway.Telemetry;

/// <summary>
/// What the gateway counts and measures along a ping's path, published by the meter <c>PushFunctions.Gateway</c>
/// (docs/observability.md lists every instrument). Tags are channel names and the fixed reasons of
/// <see cref="OutcomeReasons"/> and the channels: few values, nothing about a device or a payload.
/// </summary>
public sealed class PingMetrics : IDisposable
{
    public const string MeterName = "PushFunctions.Gateway";

    public const string PingsAccepted = "pushfunctions.pings.accepted";
    public const string PingsRejected = "pushfunctions.pings.rejected";
    public const string PingsDelivered = "pushfunctions.pings.delivered";
    public const string PingsFailed = "pushfunctions.pings.failed";
    public const string DevicesSent = "pushfunctions.devices.sent";
    public const string DevicesFailed = "pushfunctions.devices.failed";
    public const string DevicesSkipped = "pushfunctions.devices.skipped";
    public const string DevicesDeferred = "pushfunctions.devices.deferred";
    public const string QueueAge = "pushfunctions.queue.age";
    public const string FanOutSize = "pushfunctions.fanout.size";
    public const string ChannelDuration = "pushfunctions.channel.duration";

    public const string ChannelTag = "channel";
    public const string ReasonTag = "reason";
    public const string ErrorTypeTag = "error.type";

    /// <summary>Why a ping was refused before it was queued (the <c>reason</c> of <see cref="PingsRejected"/>).</summary>
    public static class RejectReasons
    {
        public const string Unreadable = "unreadable";
        public const string Unauthenticated = "unauthenticated";
        public const string Invalid = "invalid";
        public const string QueueUnavailable = "queue_unavailable";
    }

    /// <summary>Why a ping was given up (the <c>reason</c> of <see cref="PingsFailed"/>).</summary>
    public static class FailReasons
    {
        public const string AttemptsExhausted = "attempts_exhausted";
        public const string DeadLettered = "dead_lettered";
    }

    private readonly Meter _meter;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _devicesSent;
    private readonly Counter<long> _devicesFailed;
    private readonly Counter<long> _devicesSkipped;
    private readonly Counter<long> _devicesDeferred;
    private readonly Histogram<double> _queueAge;
    private readonly Histogram<int> _fanOutSize;
    private readonly Histogram<double> _channelDuration;

    public PingMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _accepted = _meter.CreateCounter<long>(PingsAccepted, "{ping}", "Pings answered 200: durably queued");
        _rejected = _meter.CreateCounter<long>(PingsRejected, "{ping}", "Pings refused before queueing, by reason");
        _delivered = _meter.CreateCounter<long>(PingsDelivered, "{ping}", "Pings whose delivery completed: every candidate device has an outcome");
        _failed = _meter.CreateCounter<long>(PingsFailed, "{ping}", "Pings given up and marked failed, by reason");
        _devicesSent = _meter.CreateCounter<long>(DevicesSent, "{device}", "Sends a channel's service accepted, by channel");
        _devicesFailed = _meter.CreateCounter<long>(DevicesFailed, "{device}", "Sends that failed, by channel (when one was chosen) and reason");
        _devicesSkipped = _meter.CreateCounter<long>(DevicesSkipped, "{device}", "Candidates not sent to, by reason");
        _devicesDeferred = _meter.CreateCounter<long>(
            DevicesDeferred, "{device}", "Sends the channel's service did not take now (throttled, failing, unreachable), left to a later attempt, by channel and reason");
        _queueAge = _meter.CreateHistogram(QueueAge, "s", "Age of a ping (since its accept) when a delivery attempt starts",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] });
        _fanOutSize = _meter.CreateHistogram(FanOutSize, "{device}", "Devices a ping is sent to, after the fan-out rules, per delivery attempt",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [0, 1, 2, 5, 10, 25, 100, 500, 1000, 5000, 10000] });
        _channelDuration = _meter.CreateHistogram(ChannelDuration, "s", "Duration of one channel call for the devices of one ping, by channel",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
    }

    public void Accepted() => _accepted.Add(1);

    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>(ReasonTag, reason));

    public void Delivered() => _delivered.Add(1);

    public void Failed(string reason) => _failed.Add(1, new KeyValuePair<string, object?>(ReasonTag, reason));

    public void RecordQueueAge(TimeSpan age) => _queueAge.Record(Math.Max(0, age.TotalSeconds));

    public void RecordFanOut(int devices) => _fanOutSize.Record(devices);

    /// <summary>Counts the outcomes of one ping's candidates; <paramref name="channel"/> is null for those no channel was chosen for.</summary>
    public void RecordOutcomes(IEnumerable<DeviceOutcome> outcomes, string? channel)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        foreach (var group in outcomes.GroupBy(o => (o.Status, o.Reason)))
        {
            var count = group.LongCount();
            var (status, reason) = group.Key;
            var tags = new TagList();
            if (channel is not null && status != OutcomeStatus.Skipped)
            {
                tags.Add(ChannelTag, channel);
            }

            if (status != OutcomeStatus.Sent)
            {
                tags.Add(ReasonTag, reason);
            }

            var counter = status switch
            {
                OutcomeStatus.Sent => _devicesSent,
                OutcomeStatus.Failed => _devicesFailed,
                OutcomeStatus.Deferred => _devicesDeferred,
                _ => _devicesSkipped,
            };
            counter.Add(count, tags);
        }
    }

    /// <summary>A channel call's duration; <c>error.type</c> names the exception when the call failed as a whole.</summary>
    public void RecordChannelCall(string channel, TimeSpan duration, Exception? error)
    {
        var tags = new TagList { { ChannelTag, channel } };
        if (error is not null)
        {
            tags.Add(ErrorTypeTag, error.GetType().FullName);
        }

        _channelDuration.Record(duration.TotalSeconds, tags);
    }

    public void Dispose() => _meter.Dispose();
}
