using PushFunctions.Core.Pings;

namespace PushFunctions.Gateway.Queueing;

/// <summary>Waiting pings made into one envelope on their way to the queue, and the callers waiting for its fate.</summary>
internal sealed class OutgoingEnvelope
{
    private readonly IReadOnlyList<PendingPing> _pings;

    public OutgoingEnvelope(IReadOnlyList<PendingPing> pings)
    {
        _pings = pings;
        var envelopeId = PingId.NewEnvelopeId();
        Envelope = new PingEnvelope(
            envelopeId,
            pings.Select((p, i) => new Ping(new PingId(envelopeId, i).ToString(), p.Request.UserIds, p.Request.Notification, p.AcceptedAt)).ToList());
    }

    public PingEnvelope Envelope { get; }

    /// <summary>The message that carries the envelope, once built.</summary>
    public QueuedEnvelope? Message { get; set; }

    /// <summary>The envelope's body and record were stored because it travels by reference.</summary>
    public bool Stored { get; set; }

    /// <summary>The envelope is durably queued: each caller gets its ping's id.</summary>
    public void Accept()
    {
        for (var i = 0; i < _pings.Count; i++)
        {
            _pings[i].Completion.TrySetResult(Envelope.Pings[i].Id);
        }
    }

    /// <summary>The queue did not take the envelope: each caller is answered 503.</summary>
    public void Refuse(QueueUnavailableException refusal)
    {
        foreach (var ping in _pings)
        {
            ping.Completion.TrySetException(refusal);
        }
    }
}
