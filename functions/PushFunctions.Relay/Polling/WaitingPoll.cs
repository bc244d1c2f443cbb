namespace PushFunctions.Relay.Polling;

/// <summary>
/// A held <c>GET /nextMessage</c>. Whoever answers first wins (a message, the deadline, a newer poll, a delete, the
/// device hanging up); the others' answers are ignored, so no lock is needed between them.
/// </summary>
/// <remarks>
/// The answer reaches the waiter only through the task handed out when the poll is made: the poll itself lets go of it
/// once answered, because <see cref="PollDeadlines"/> keeps every poll until its deadline (minutes), and a delivered
/// message's data must not stay in memory that long with it.
/// </remarks>
public sealed class WaitingPoll
{
    private TaskCompletionSource<PollAnswer>? pending = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="deadlineTimestamp">When the poll is answered 204, in <see cref="TimeProvider.GetTimestamp"/> units.</param>
    /// <param name="answered">Completes with the first answer; the waiter's only way to it.</param>
    public WaitingPoll(long deadlineTimestamp, out Task<PollAnswer> answered)
    {
        DeadlineTimestamp = deadlineTimestamp;
        answered = pending.Task;
    }

    /// <summary>When the poll is answered 204, in <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    public long DeadlineTimestamp { get; }

    /// <summary>Answers the poll unless someone already has; true when this answer is the one the waiter gets.</summary>
    public bool TryAnswer(PollAnswer answer) => Interlocked.Exchange(ref pending, null) is { } waiter && waiter.TrySetResult(answer);
}
