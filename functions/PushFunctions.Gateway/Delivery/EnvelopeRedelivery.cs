using System.Globalization;
using PushFunctions.Core.Pings;
using PushFunctions.Gateway.Queueing;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// A retry as a new message, sent with the processor's delay and carrying the attempts made so far, after which the
/// message that failed is completed. The Functions host's own retries cannot back off (the Storage-queue trigger waits
/// host.json's fixed visibilityTimeout, the Service Bus trigger redelivers at once, and both give up after a handful of
/// tries, within a minute), and a custom handler can only answer success or failure: so the gateway re-sends the
/// envelope itself and answers success. If it dies in between, both messages are delivered; the claims on each
/// device's send keep that from sending any device twice.
/// </summary>
public sealed class EnvelopeRedelivery(IPingQueue queue)
{
    /// <returns>A sentence for the invocation's log.</returns>
    public async Task<string> SendAsync(ReadOnlyMemory<byte> message, EnvelopeOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var envelope = PingEnvelopeJson.Deserialize(message.Span);
        var body = PingEnvelopeJson.Serialize(envelope with { AttemptsBefore = checked((int)outcome.Attempt) });
        // An id of its own per attempt: Service Bus duplicate detection would drop a message with the envelope's id.
        var id = string.Create(CultureInfo.InvariantCulture, $"{envelope.Id}-{outcome.Attempt}");
        await queue.SendLaterAsync(new QueuedEnvelope(id, body), outcome.RetryDelay, cancellationToken);
        return string.Create(CultureInfo.InvariantCulture, $"{outcome.Reason}; envelope {envelope.Id} sent again, to be delivered in {outcome.RetryDelay.TotalSeconds:F0} s");
    }
}
