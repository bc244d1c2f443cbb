using System.Diagnostics.Metrics;

namespace PushFunctions.Relay.Devices;

/// <summary>
/// Counts messages the relay dropped undelivered: the oldest of a full queue (<c>Relay:MaxQueuedMessages</c>) or one older
/// than <c>Relay:MessageLifetime</c>. Published as the counter <c>pushfunctions.relay.messages.dropped</c> (tag
/// <c>reason</c>: <c>queue_full</c> or <c>expired</c>) of the meter <c>PushFunctions.Relay</c>, and totalled for the logs.
/// </summary>
public sealed class DroppedMessages : IDisposable
{
    public const string MeterName = "PushFunctions.Relay";
    public const string CounterName = "pushfunctions.relay.messages.dropped";

    private readonly Meter meter;
    private readonly Counter<long> counter;
    private long queueFull;
    private long expired;

    public DroppedMessages(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        meter = meterFactory.Create(MeterName);
        counter = meter.CreateCounter<long>(CounterName, "{message}", "Messages dropped undelivered: the oldest of a full queue, or expired");
    }

    public long QueueFull => Interlocked.Read(ref queueFull);

    public long Expired => Interlocked.Read(ref expired);

    public void CountQueueFull(int count)
    {
        Interlocked.Add(ref queueFull, count);
        counter.Add(count, new KeyValuePair<string, object?>("reason", "queue_full"));
    }

    public void CountExpired(int count)
    {
        Interlocked.Add(ref expired, count);
        counter.Add(count, new KeyValuePair<string, object?>("reason", "expired"));
    }

    public void Dispose() => meter.Dispose();
}
