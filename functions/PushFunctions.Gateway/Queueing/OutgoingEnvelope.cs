using System.Diagnostics;
using PushFunctions.Core.Pings;
using PushFunctions.Gateway.Telemetry;

namespace PushFunctions.Gateway.Queueing;

/// <summary>
/// Waiting pings made into one envelope on their way to the queue, and the callers waiting for its fate; with the
/// span of the envelope's send, whose context the envelope carries to each delivery attempt.
/// </summary>
internal sealed class OutgoingEnvelope
{
    private readonly IReadOnlyList<PendingPing> _pings;
    private readonly Activity? _send;

    public OutgoingEnvelope(IReadOnlyList<PendingPing> pings)
    {
        _pings = pings;
        var envelopeId = PingId.NewEnvelopeId();
        var envelopePings = pings.Select((p, i) => new Ping(
            new PingId(envelopeId, i).ToString(), p.Request.UserIds, p.Request.Notification, p.AcceptedAt, p.TraceParent, p.TraceState)).ToList();
        // Several envelopes are sent together: each send span ends with its own fate, not as the ambient span of the next.
        var ambient = Activity.Current;
        _send = PingActivities.StartEnvelopeSend(envelopeId, envelopePings);
        Activity.Current = ambient;
        Envelope = new PingEnvelope(envelopeId, envelopePings, TraceParent: _send?.Id);
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

        _send?.Dispose();
    }

    /// <summary>The queue did not take the envelope: each caller is answered 503.</summary>
    public void Refuse(QueueUnavailableException refusal, Exception cause)
    {
        foreach (var ping in _pings)
        {
            ping.Completion.TrySetException(refusal);
        }

        _send.Failed("the queue refused the envelope", cause);
        _send?.Dispose();
    }
}
