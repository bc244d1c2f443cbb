namespace PushFunctions.Gateway.Queueing;

/// <summary>The durable queue between the ping endpoint and delivery (a Storage queue locally, Service Bus in Azure).</summary>
public interface IPingQueue
{
    /// <summary>
    /// The most envelope bytes (UTF-8 JSON) one send carries, and so the largest envelope one message carries; larger
    /// envelopes travel by reference.
    /// </summary>
    int MaxEnvelopeBytes { get; }

    /// <summary>How many envelopes one send may carry: a Storage queue takes one message per request, Service Bus a batch.</summary>
    int MaxEnvelopesPerSend { get; }

    Task EnsureExistsAsync(CancellationToken cancellationToken);

    /// <summary>An empty batch: envelopes added to it leave in one send. Throws when the queue cannot be reached or refuses the app.</summary>
    Task<IEnvelopeBatch> CreateBatchAsync(CancellationToken cancellationToken);

    /// <summary>Queues a message that becomes deliverable only after <paramref name="delay"/> (a retry). Throws when the queue does not take it.</summary>
    Task SendLaterAsync(QueuedEnvelope envelope, TimeSpan delay, CancellationToken cancellationToken);
}
