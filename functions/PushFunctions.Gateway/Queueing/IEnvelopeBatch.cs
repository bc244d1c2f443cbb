namespace PushFunctions.Gateway.Queueing;

/// <summary>Envelopes that leave the gateway in one send to the queue, each as one message.</summary>
public interface IEnvelopeBatch : IDisposable
{
    /// <summary>Adds the envelope if it still fits this send; false leaves the batch as it was.</summary>
    bool TryAdd(QueuedEnvelope envelope);

    /// <summary>Returns once every envelope added is durably queued; throws otherwise, and then none counts as queued.</summary>
    Task SendAsync(CancellationToken cancellationToken);
}
