using Azure.Storage.Queues;

namespace PushFunctions.Gateway.Queueing;

/// <summary>One envelope for a Storage queue, which has no batch send: its message is the whole send.</summary>
internal sealed class StorageEnvelopeBatch(QueueClient queue, int maxEnvelopeBytes) : IEnvelopeBatch
{
    private QueuedEnvelope? _envelope;

    public bool TryAdd(QueuedEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (_envelope is not null || envelope.Body.Length > maxEnvelopeBytes)
        {
            return false;
        }

        _envelope = envelope;
        return true;
    }

    public async Task SendAsync(CancellationToken cancellationToken)
    {
        if (_envelope is not null)
        {
            await queue.SendMessageAsync(new BinaryData(_envelope.Body), cancellationToken: cancellationToken);
        }
    }

    public void Dispose()
    {
        // Nothing held: the message is built when it is sent.
    }
}
