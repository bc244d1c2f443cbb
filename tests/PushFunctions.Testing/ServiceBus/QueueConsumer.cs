using Microsoft.Azure.Amqp;

namespace PushFunctions.Testing.ServiceBus;

/// <summary>
/// A receiver attached to a local queue or its dead-letter queue: the namespace's end of the client's receiving link.
/// It sends only as many messages as the client gave credit for (the SDK's processor asks for one at a time), and
/// hands every settlement the client makes to the queue.
/// </summary>
internal sealed class QueueConsumer
{
    public QueueConsumer(SendingAmqpLink link, LocalQueue queue, bool readsDeadLetters)
    {
        Link = link;
        ReadsDeadLetters = readsDeadLetters;
        // The link reports credit as the amount just granted (Microsoft.Azure.Amqp's SendingAmqpLink credit listener).
        link.RegisterCreditListener((credit, drain, _) => queue.GrantCredit(this, credit, drain));
        link.RegisterDispositionListener(delivery => queue.Settle(this, delivery));
        link.Closed += (_, _) => queue.Detach(this);
    }

    public SendingAmqpLink Link { get; }

    public bool ReadsDeadLetters { get; }

    /// <summary>Receive-and-delete receivers settle on send: a message sent to them is gone.</summary>
    public bool SettlesOnSend => Link.Settings.SettleType == SettleMode.SettleOnSend;

    /// <summary>Messages the client is still ready to take; guarded by the queue's lock.</summary>
    public uint Credit { get; set; }

    public void Send(AmqpMessage message, Guid lockToken) =>
        Link.SendMessageNoWait(message, new ArraySegment<byte>(lockToken.ToByteArray()), AmqpConstants.NullBinary);
}
