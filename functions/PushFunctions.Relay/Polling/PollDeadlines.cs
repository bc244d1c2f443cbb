using System.Collections.Concurrent;

namespace PushFunctions.Relay.Polling;

/// <summary>
/// Times out waiting polls without a timer per poll: every poll waits the same timeout, so deadlines arrive in the
/// order the polls did and one queue, checked from its head on each tick, finds every due poll.
/// </summary>
public sealed class PollDeadlines(TimeProvider timeProvider)
{
    private readonly ConcurrentQueue<WaitingPoll> polls = new();

    public void Add(WaitingPoll poll) => polls.Enqueue(poll);

    /// <summary>Answers 204 to every poll whose deadline has passed (those already answered stay as they are).</summary>
    public void ExpireDue()
    {
        var now = timeProvider.GetTimestamp();
        while (polls.TryPeek(out var head) && head.DeadlineTimestamp <= now && polls.TryDequeue(out var due))
        {
            due.TryAnswer(PollAnswer.TimedOut);
        }
    }
}
