using Azure.Messaging.ServiceBus;

namespace PushFunctions.Gateway.Queueing;

/// <summary>Envelopes in one <see cref="ServiceBusMessageBatch"/>, which refuses a message that would take it past the link's limit.</summary>
internal sealed class ServiceBusEnvelopeBatch(ServiceBusSender sender, ServiceBusMessageBatch batch, TimeSpan timeToLive) : IEnvelopeBatch
{
    public bool TryAdd(QueuedEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return batch.TryAddMessage(new ServiceBusMessage(new BinaryData(envelope.Body))
        {
            MessageId = envelope.Id,
            TimeToLive = timeToLive,
        });
    }

    public Task SendAsync(CancellationToken cancellationToken) =>
        batch.Count == 0 ? Task.CompletedTask : sender.SendMessagesAsync(batch, cancellationToken);

    public void Dispose() => batch.Dispose();
}
