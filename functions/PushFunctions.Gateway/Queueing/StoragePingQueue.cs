using Azure.Storage.Queues;

namespace PushFunctions.Gateway.Queueing;

/// <summary>
/// Pings on an Azure Storage queue (Azurite locally), base64-encoded as the Functions queue trigger expects (the
/// client's <see cref="QueueClientOptions.MessageEncoding"/>). A queue takes one message per request, so a send carries
/// one envelope.
/// </summary>
public sealed class StoragePingQueue(QueueClient queue) : IPingQueue
{
    // 64 KiB per message after base64 (4/3), with room for the XML wrapper.
    public int MaxEnvelopeBytes => 47 * 1024;

    public int MaxEnvelopesPerSend => 1;

    public QueueClient Client => queue;

    public Task EnsureExistsAsync(CancellationToken cancellationToken) => queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    public Task<IEnvelopeBatch> CreateBatchAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IEnvelopeBatch>(new StorageEnvelopeBatch(queue, MaxEnvelopeBytes));

    /// <summary>A retry: a message invisible for its initial visibility timeout (at most 7 days).</summary>
    public Task SendLaterAsync(QueuedEnvelope envelope, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return queue.SendMessageAsync(new BinaryData(envelope.Body), visibilityTimeout: delay, cancellationToken: cancellationToken);
    }
}
