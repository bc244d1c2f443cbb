using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;

namespace PushFunctions.Gateway.Queueing;

/// <summary>
/// Pings on a Service Bus queue through one <see cref="ServiceBusSender"/>. A send is one batch from
/// <see cref="ServiceBusSender.CreateMessageBatchAsync(CancellationToken)"/>, sized by the link's real limit; each
/// envelope is one message whose MessageId is the envelope id, so a send retried after a lost answer is dropped by the
/// queue's duplicate detection, and whose time-to-live bounds how long it may wait.
/// </summary>
public sealed class ServiceBusPingQueue(ServiceBusSender sender, IOptions<PushQueueOptions> options) : IPingQueue
{
    /// <summary>The Standard tier's limit for one message and for one batch (Premium allows more; the batch knows).</summary>
    private const int StandardTierMaxMessageBytes = 256 * 1024;

    /// <summary>Room within the limit for the AMQP encoding of each message's header and properties.</summary>
    private const int PropertiesAllowance = 8 * 1024;

    private readonly TimeSpan _timeToLive = options.Value.TimeToLive;

    public int MaxEnvelopeBytes => StandardTierMaxMessageBytes - PropertiesAllowance;

    /// <summary>
    /// Envelopes of one batch. Bytes fill a batch first for large pings; a 100-ping envelope of ordinary pings is about
    /// 20 KiB, so ten of them use most of a Standard-tier batch.
    /// </summary>
    public int MaxEnvelopesPerSend => 10;

    /// <summary>The queue, with its dead-lettering and duplicate detection, is the deployment's (infra/app/servicebus.bicep): the app may only send.</summary>
    public Task EnsureExistsAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<IEnvelopeBatch> CreateBatchAsync(CancellationToken cancellationToken) =>
        new ServiceBusEnvelopeBatch(sender, await sender.CreateMessageBatchAsync(cancellationToken), _timeToLive);

    /// <summary>
    /// A retry: a message of its own id (the envelope's would be dropped by duplicate detection, the caller names it)
    /// scheduled for now + <paramref name="delay"/>, which the queue keeps invisible until then.
    /// </summary>
    public Task SendLaterAsync(QueuedEnvelope envelope, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return sender.SendMessageAsync(
            new ServiceBusMessage(new BinaryData(envelope.Body))
            {
                MessageId = envelope.Id,
                TimeToLive = _timeToLive,
                ScheduledEnqueueTime = DateTimeOffset.UtcNow + delay,
            },
            cancellationToken);
    }
}
