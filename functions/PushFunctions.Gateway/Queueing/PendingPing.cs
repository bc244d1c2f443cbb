using PushFunctions.Core.Contract;

namespace PushFunctions.Gateway.Queueing;

/// <summary>
/// A validated ping waiting for a place in an envelope, and the caller waiting for its answer; with the W3C trace
/// context of its accept, which the envelope carries to delivery.
/// </summary>
internal sealed class PendingPing(
    PingRequest request, DateTimeOffset acceptedAt, DateTimeOffset deadline, string? traceParent, string? traceState)
{
    public PingRequest Request { get; } = request;

    public DateTimeOffset AcceptedAt { get; } = acceptedAt;

    /// <summary>When the caller is answered 503 if the envelope is not queued by then.</summary>
    public DateTimeOffset Deadline { get; } = deadline;

    public string? TraceParent { get; } = traceParent;

    public string? TraceState { get; } = traceState;

    public TaskCompletionSource<string> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>An upper bound of the ping's JSON size, to fill envelopes without serialising twice.</summary>
    public int EstimatedBytes { get; } = EstimateBytes(request);

    private static int EstimateBytes(PingRequest request)
    {
        var n = request.Notification;
        var text = (n.Message?.Length ?? 0) + (n.Sound?.Length ?? 0) + (n.Vibrate?.Length ?? 0)
            + request.UserIds.Sum(u => u.Length + 3) + n.Sources.Sum(s => s.Length + 3);
        // JSON escaping can grow a character to six bytes (\uXXXX); plain text stays near one byte per character.
        return 200 + (text * 3);
    }
}
