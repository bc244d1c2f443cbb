using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Encoding;
using Microsoft.Azure.Amqp.Framing;

namespace PushFunctions.Testing.ServiceBus;

/// <summary>One message in a local queue (or its dead-letter queue) and its peek-lock state.</summary>
internal sealed class QueuedMessage
{
    // Message annotation names Service Bus sets on a received message; the SDK reads them in
    // AmqpMessageConverter.AmqpMessageToSBMessage (names from its AmqpMessageConstants).
    private const string SequenceNumberAnnotation = "x-opt-sequence-number";
    private const string EnqueuedTimeAnnotation = "x-opt-enqueued-time";
    private const string LockedUntilAnnotation = "x-opt-locked-until";
    private const string DeadLetterSourceAnnotation = "x-opt-deadletter-source";

    // Set by a sender on a message to be enqueued later (ServiceBusMessage.ScheduledEnqueueTime, written by the SDK's
    // AmqpMessageConverter as a message annotation): the queue holds it back until then.
    private const string ScheduledEnqueueTimeAnnotation = "x-opt-scheduled-enqueue-time";

    // Application properties Service Bus adds to a dead-lettered message (ServiceBusReceivedMessage.DeadLetterReason /
    // DeadLetterErrorDescription read them; the Functions host passes them on as ApplicationProperties).
    private const string DeadLetterReasonProperty = "DeadLetterReason";
    private const string DeadLetterDescriptionProperty = "DeadLetterErrorDescription";

    public required long SequenceNumber { get; init; }

    public required string MessageId { get; init; }

    public required byte[] Body { get; init; }

    public required DateTimeOffset EnqueuedAt { get; init; }

    public string? ContentType { get; init; }

    public TimeSpan? TimeToLive { get; init; }

    /// <summary>When a scheduled message becomes available to receivers; null for one available at once.</summary>
    public DateTimeOffset? ScheduledFor { get; init; }

    public required IReadOnlyDictionary<string, object> ApplicationProperties { get; init; }

    /// <summary>Deliveries so far: on the wire as header.delivery-count, which the SDK reports plus one.</summary>
    public int DeliveryCount { get; set; }

    public Guid? LockToken { get; set; }

    public DateTimeOffset LockedUntil { get; set; }

    public string? DeadLetterReason { get; set; }

    public string? DeadLetterDescription { get; set; }

    /// <summary>The message's time-to-live has passed.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => TimeToLive is { } ttl && EnqueuedAt + ttl <= now;

    public RecordedMessage Snapshot() =>
        new(MessageId, TimeToLive, Body, SequenceNumber, DeliveryCount, DeadLetterReason, DeadLetterDescription);

    /// <summary>The message as a peek-lock receiver gets it: its lock token is the 16-byte delivery tag.</summary>
    public AmqpMessage ToDelivery(string queue)
    {
        var message = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>(Body) });
        message.Properties.MessageId = MessageId;
        if (ContentType is not null)
        {
            message.Properties.ContentType = ContentType;
        }

        message.Header.DeliveryCount = (uint)DeliveryCount;
        if (TimeToLive is { } ttl)
        {
            message.Header.Ttl = (uint)ttl.TotalMilliseconds;
        }

        message.MessageAnnotations.Map[SequenceNumberAnnotation] = SequenceNumber;
        message.MessageAnnotations.Map[EnqueuedTimeAnnotation] = EnqueuedAt.UtcDateTime;
        message.MessageAnnotations.Map[LockedUntilAnnotation] = LockedUntil.UtcDateTime;
        foreach (var (name, value) in ApplicationProperties)
        {
            message.ApplicationProperties.Map[name] = value;
        }

        if (DeadLetterReason is not null)
        {
            message.MessageAnnotations.Map[DeadLetterSourceAnnotation] = queue;
            message.ApplicationProperties.Map[DeadLetterReasonProperty] = DeadLetterReason;
            message.ApplicationProperties.Map[DeadLetterDescriptionProperty] = DeadLetterDescription ?? string.Empty;
        }

        return message;
    }

    /// <summary>Reads one message a sender transferred; null when it has no MessageId.</summary>
    public static QueuedMessage? FromTransfer(AmqpMessage message, long sequenceNumber, DateTimeOffset now)
    {
        if (message.Properties?.MessageId?.ToString() is not { Length: > 0 } messageId)
        {
            return null;
        }

        using var body = new MemoryStream();
        foreach (var data in message.DataBody ?? [])
        {
            var segment = (ArraySegment<byte>)data.Value;
            body.Write(segment.Array!, segment.Offset, segment.Count);
        }

        var properties = new Dictionary<string, object>(StringComparer.Ordinal);
        if ((message.Sections & SectionFlag.ApplicationProperties) != 0)
        {
            foreach (var (key, value) in message.ApplicationProperties.Map)
            {
                properties[key.ToString()!] = value;
            }
        }

        return new QueuedMessage
        {
            SequenceNumber = sequenceNumber,
            MessageId = messageId,
            Body = body.ToArray(),
            EnqueuedAt = now,
            ContentType = message.Properties.ContentType.Value,
            TimeToLive = (message.Sections & SectionFlag.Header) != 0 && message.Header.Ttl is { } ttl ? TimeSpan.FromMilliseconds(ttl) : null,
            ScheduledFor = (message.Sections & SectionFlag.MessageAnnotations) != 0
                && message.MessageAnnotations.Map.TryGetValue<DateTime>(ScheduledEnqueueTimeAnnotation, out var scheduled)
                ? new DateTimeOffset(DateTime.SpecifyKind(scheduled, DateTimeKind.Utc))
                : null,
            ApplicationProperties = properties,
        };
    }
}
