using System.Text;
using Azure;
using PushFunctions.Azure.Queues;

namespace PushFunctions.Gateway.Queueing;

/// <summary>Pings on an Azure Storage queue (Azurite locally), base64-encoded as the Functions queue trigger expects.</summary>
public sealed class StoragePingQueue(QueueClient queue) : IPingQueue
{
    // 64 KiB per message after base64 (4/3), with room for the XML wrapper.
    public int MaxEnvelopeBytes => 47 * 1024;

    public QueueClient Client => queue;

    public Task EnsureExistsAsync(CancellationToken cancellationToken) => queue.CreateIfNotExistsAsync(cancellationToken);

    public Task SendAsync(QueuedEnvelope envelope, CancellationToken cancellationToken) => SendAsync(envelope, null, cancellationToken);

    /// <summary>A Storage queue message is invisible for its initial visibility timeout (at most 7 days).</summary>
    public Task SendLaterAsync(QueuedEnvelope envelope, TimeSpan delay, CancellationToken cancellationToken) => SendAsync(envelope, delay, cancellationToken);

    private async Task SendAsync(QueuedEnvelope envelope, TimeSpan? delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        try
        {
            await queue.SendMessageAsync(Encoding.UTF8.GetString(envelope.Body.Span), visibilityTimeout: delay, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new QueueUnavailableException("The ping queue did not accept the envelope.", e);
        }
    }
}
