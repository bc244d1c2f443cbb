using System.Diagnostics;
using PushFunctions.Core.Pings;

namespace PushFunctions.Gateway.Telemetry;

/// <summary>
/// The spans of a ping's path, from the activity source <c>PushFunctions.Gateway</c>: its accept, the envelope's send,
/// each delivery attempt of the envelope, each ping's delivery and each channel call. The accept's W3C context travels
/// in the envelope with the ping, so its delivery belongs to the same trace on the far side of the queue. Spans carry
/// ids, counts, channel names and fixed reasons only: never a device handle, a payload, a token or an exception's text
/// (which can hold any of them).
/// </summary>
public static class PingActivities
{
    public const string SourceName = "PushFunctions.Gateway";

    public const string AcceptName = "ping accept";
    public const string EnvelopeSendName = "envelope send";
    public const string EnvelopeProcessName = "envelope process";
    public const string DeliverName = "ping deliver";
    public const string ChannelSendName = "channel send";

    public const string PingIdAttribute = "pushfunctions.ping.id";
    public const string EnvelopeIdAttribute = "pushfunctions.envelope.id";
    public const string PingCountAttribute = "pushfunctions.envelope.ping_count";
    public const string AttemptAttribute = "pushfunctions.delivery.attempt";
    public const string MaxAttemptsAttribute = "pushfunctions.delivery.max_attempts";
    public const string OutcomeAttribute = "pushfunctions.outcome";
    public const string ReasonAttribute = "pushfunctions.reason";
    public const string ChannelAttribute = "pushfunctions.channel";
    public const string DeviceCountAttribute = "pushfunctions.device_count";
    public const string FailedCountAttribute = "pushfunctions.failed_count";
    public const string DeferredCountAttribute = "pushfunctions.deferred_count";
    public const string ErrorTypeAttribute = "error.type";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The accept of one ping by the ping endpoint; a child of the HTTP request's span.</summary>
    public static Activity? StartAccept() => Source.StartActivity(AcceptName);

    /// <summary>
    /// The envelope's write to the queue. It continues the trace of its first ping and links every ping's accept, so
    /// at low load (one ping an envelope) accept, queue and delivery form one trace.
    /// </summary>
    public static Activity? StartEnvelopeSend(string envelopeId, IReadOnlyList<Ping> pings)
    {
        ArgumentNullException.ThrowIfNull(pings);
        var contexts = pings.Select(p => ContextOf(p.TraceParent, p.TraceState)).Where(c => c != default).ToList();
        var activity = Source.StartActivity(
            EnvelopeSendName, ActivityKind.Producer, contexts.FirstOrDefault(), links: contexts.Skip(1).Select(c => new ActivityLink(c)));
        activity?.SetTag(EnvelopeIdAttribute, envelopeId);
        activity?.SetTag(PingCountAttribute, pings.Count);
        return activity;
    }

    /// <summary>
    /// One delivery attempt of an envelope, whoever received it: continues the send's trace, and links the context it
    /// was received in (the Functions host's invocation request), if any.
    /// </summary>
    public static Activity? StartEnvelopeProcess(PingEnvelope envelope, long attempt, int maxAttempts)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var activity = StartContinuing(EnvelopeProcessName, ActivityKind.Consumer, ContextOf(envelope.TraceParent, null));
        activity?.SetTag(EnvelopeIdAttribute, envelope.Id);
        activity?.SetTag(PingCountAttribute, envelope.Pings.Count);
        activity?.SetTag(AttemptAttribute, attempt);
        activity?.SetTag(MaxAttemptsAttribute, maxAttempts);
        return activity;
    }

    /// <summary>One ping's delivery within an attempt: a child of its accept (the same trace), linked to the attempt.</summary>
    public static Activity? StartDelivery(PingId id, Ping ping)
    {
        ArgumentNullException.ThrowIfNull(ping);
        var activity = StartContinuing(DeliverName, ActivityKind.Internal, ContextOf(ping.TraceParent, ping.TraceState));
        activity?.SetTag(PingIdAttribute, id.ToString());
        return activity;
    }

    /// <summary>One channel's call for the devices of one ping it serves.</summary>
    public static Activity? StartChannelSend(PingId id, string channel, int devices)
    {
        var activity = Source.StartActivity(ChannelSendName, ActivityKind.Client);
        activity?.SetTag(PingIdAttribute, id.ToString());
        activity?.SetTag(ChannelAttribute, channel);
        activity?.SetTag(DeviceCountAttribute, devices);
        return activity;
    }

    /// <summary>Marks a span failed with the exception's type and our own description, not the exception's message.</summary>
    public static void Failed(this Activity? activity, string description, Exception? exception = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, description);
        if (exception is not null)
        {
            activity.SetTag(ErrorTypeAttribute, exception.GetType().FullName);
        }
    }

    /// <summary>The W3C trace context of the current span, to carry across the queue; null when nothing is traced.</summary>
    public static (string? TraceParent, string? TraceState) CurrentContext() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? (current.Id, current.TraceStateString) : (null, null);

    /// <summary>
    /// Starts a span as a child of <paramref name="parent"/> (carried across the queue), linking the span current here
    /// when it belongs to another trace; with no carried context, a child of the current span.
    /// </summary>
    private static Activity? StartContinuing(string name, ActivityKind kind, ActivityContext parent)
    {
        if (parent == default)
        {
            return Source.StartActivity(name, kind);
        }

        var current = Activity.Current;
        var links = current is not null && current.TraceId != parent.TraceId ? [new ActivityLink(current.Context)] : Array.Empty<ActivityLink>();
        return Source.StartActivity(name, kind, parent, links: links);
    }

    private static ActivityContext ContextOf(string? traceParent, string? traceState) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;

    /// <summary>Tags a span with how an accept, an attempt or a call ended, and why when it did not go through.</summary>
    public static void Ended(this Activity? activity, string outcome, string? reason = null)
    {
        activity?.SetTag(OutcomeAttribute, outcome);
        if (reason is not null)
        {
            activity?.SetTag(ReasonAttribute, reason);
        }
    }
}
