namespace PushFunctions.Gateway.Configuration;

/// <summary>Settings section "PushQueue": where accepted pings wait for delivery, and how they are retried.</summary>
public sealed class PushQueueOptions
{
    public const string Section = "PushQueue";

    public PushQueueTransport Transport { get; set; } = PushQueueTransport.StorageQueue;

    public string QueueName { get; set; } = "pings";

    /// <summary>
    /// Delivery attempts of an envelope before its undelivered pings are given up and marked failed, counted across the
    /// messages that carry it (a retry is re-sent with a delay). With the default delays, 24 attempts span 42 to 84
    /// minutes (about an hour): an outage of storage, the queue or a channel shorter than that delays pings, it does
    /// not fail them.
    /// </summary>
    public int MaxDeliveryAttempts { get; set; } = 24;

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

    /// <summary>
    /// How long a received message stays invisible (standalone consumer); it is renewed while delivery runs, so this is
    /// how soon a message reappears after the process that held it died.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The first retry delay of an envelope; it doubles with every further attempt, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The ceiling of the retry delay.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a ping request waits for its envelope to be durably queued before it is answered 503 with Retry-After,
    /// so that a queue that does not answer (storage frozen, a network partition) never leaves callers hanging.
    /// </summary>
    public TimeSpan AcceptTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// How long a delivery's claim on a device's send holds. A device claimed by a delivery that then died is sent by a
    /// later attempt once its claim has lapsed; a live delivery never takes longer than this over one slice of sends.
    /// </summary>
    public TimeSpan SendClaimLifetime { get; set; } = TimeSpan.FromMinutes(2);

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
