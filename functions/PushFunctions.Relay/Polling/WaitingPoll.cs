namespace PushFunctions.Relay.Polling;

/// <summary>
/// A held <c>GET /nextMessage</c>. Whoever answers first wins (a message, the deadline, a newer poll, a delete, the
/// device hanging up); the others' answers are ignored, so no lock is needed between them.
/// </summary>
public sealed class WaitingPoll(long deadlineTimestamp) : TaskCompletionSource<PollAnswer>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    /// <summary>When the poll is answered 204, in <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    public long DeadlineTimestamp { get; } = deadlineTimestamp;

    public bool TryAnswer(PollAnswer answer) => TrySetResult(answer);
}
