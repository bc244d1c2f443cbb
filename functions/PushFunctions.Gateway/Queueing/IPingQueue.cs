namespace PushFunctions.Gateway.Queueing;

/// <summary>The durable queue between the ping endpoint and delivery (a Storage queue locally, Service Bus in Azure).</summary>
public interface IPingQueue
{
    /// <summary>The largest envelope (UTF-8 JSON bytes) one message carries; larger ones travel by reference.</summary>
    int MaxEnvelopeBytes { get; }

    Task EnsureExistsAsync(CancellationToken cancellationToken);

    /// <summary>Returns once the message is durably queued; throws <see cref="QueueUnavailableException"/> otherwise.</summary>
    Task SendAsync(QueuedEnvelope envelope, CancellationToken cancellationToken);

    /// <summary>Queues a message that becomes deliverable only after <paramref name="delay"/> (a retry).</summary>
    Task SendLaterAsync(QueuedEnvelope envelope, TimeSpan delay, CancellationToken cancellationToken);
}
