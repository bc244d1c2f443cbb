namespace PushFunctions.Gateway.Configuration;

/// <summary>Settings section "PushQueue": where accepted pings wait for delivery, and how they are retried.</summary>
public sealed class PushQueueOptions
{
    public const string Section = "PushQueue";

    public PushQueueTransport Transport { get; set; } = PushQueueTransport.StorageQueue;

    public string QueueName { get; set; } = "pings";

    /// <summary>Deliveries of one message before it is given up (Storage queue trigger: host.json maxDequeueCount; Service Bus: the queue's maxDeliveryCount).</summary>
    public int MaxDeliveryAttempts { get; set; } = 5;

    /// <summary>
    /// How long a queued envelope waits for delivery before it expires (Service Bus: dead-lettered, so its pings show as
    /// failed). A ping is a "sync now" nudge: a day outlasts an outage without waking devices for week-old news.
    /// </summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Run the in-process queue consumer. Defaults to on when no Functions host runs the app (standalone), off under
    /// the host, whose trigger delivers instead.
    /// </summary>
    public bool? InProcessConsumer { get; set; }

    /// <summary>How long a received message stays invisible while it is delivered (standalone consumer).</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The first retry delay of a failed message; it doubles with every further attempt (standalone consumer).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest pause between two polls of an empty queue (standalone consumer).</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Envelope writes in flight at once: pings arriving meanwhile share the next envelope. Few slots make full
    /// envelopes; measured on Azurite (docs/benchmarks.md), 4 gave the best throughput and tail latency, 8 and 16 less.
    /// </summary>
    public int MaxConcurrentSends { get; set; } = 4;

    /// <summary>At most this many pings per envelope (one table transaction records them as queued).</summary>
    public int MaxPingsPerEnvelope { get; set; } = 100;
}
