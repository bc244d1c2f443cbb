using System.Runtime.CompilerServices;
using PushFunctions.Relay.Devices;
using PushFunctions.Relay.Polling;

namespace PushFunctions.UnitTests.Relay;

public sealed class PollDeadlinesTests
{
    private readonly ManualTimeProvider clock = new();

    private WaitingPoll PollDueIn(TimeSpan wait, out Task<PollAnswer> answered) =>
        new(clock.GetTimestamp() + (long)(wait.TotalSeconds * clock.TimestampFrequency), out answered);

    [Fact]
    public void A_poll_is_not_answered_before_its_deadline()
    {
        var deadlines = new PollDeadlines(clock);
        deadlines.Add(PollDueIn(TimeSpan.FromSeconds(10), out var answered));

        clock.Advance(TimeSpan.FromSeconds(9));
        deadlines.ExpireDue();

        Assert.False(answered.IsCompleted);
    }

    [Fact]
    public async Task A_poll_past_its_deadline_is_answered_timed_out()
    {
        var deadlines = new PollDeadlines(clock);
        deadlines.Add(PollDueIn(TimeSpan.FromSeconds(10), out var answered));

        clock.Advance(TimeSpan.FromSeconds(10));
        deadlines.ExpireDue();

        Assert.True(answered.IsCompleted);
        Assert.Equal(PollOutcome.TimedOut, (await answered).Outcome);
    }

    [Fact]
    public void Only_the_due_polls_are_answered()
    {
        var deadlines = new PollDeadlines(clock);
        deadlines.Add(PollDueIn(TimeSpan.FromSeconds(10), out var early));
        clock.Advance(TimeSpan.FromSeconds(5));
        deadlines.Add(PollDueIn(TimeSpan.FromSeconds(10), out var late));

        clock.Advance(TimeSpan.FromSeconds(6));
        deadlines.ExpireDue();

        Assert.True(early.IsCompleted);
        Assert.False(late.IsCompleted);
    }

    [Fact]
    public async Task A_poll_answered_with_a_message_keeps_that_answer_at_its_deadline()
    {
        var deadlines = new PollDeadlines(clock);
        var poll = PollDueIn(TimeSpan.FromSeconds(10), out var answered);
        deadlines.Add(poll);
        var message = new QueuedMessage(1, "app", "token", null, "{}"u8.ToArray(), DateTimeOffset.UnixEpoch);
        Assert.True(poll.TryAnswer(PollAnswer.Deliver(message)));

        clock.Advance(TimeSpan.FromSeconds(11));
        deadlines.ExpireDue();

        var answer = await answered;
        Assert.Equal(PollOutcome.Message, answer.Outcome);
        Assert.Same(message, answer.Message);
    }

    [Fact]
    public void A_poll_answered_with_a_message_does_not_keep_the_message_in_memory_until_its_deadline()
    {
        var deadlines = new PollDeadlines(clock);
        var delivered = AnswerWithMessage(deadlines);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(delivered.TryGetTarget(out _));
    }

    [Fact]
    public async Task Only_the_first_answer_counts()
    {
        var poll = PollDueIn(TimeSpan.FromSeconds(10), out var answered);

        Assert.True(poll.TryAnswer(PollAnswer.Superseded));
        Assert.False(poll.TryAnswer(PollAnswer.TimedOut));

        Assert.Equal(PollOutcome.Superseded, (await answered).Outcome);
    }

    /// <summary>
    /// Answers a poll the deadlines hold with a message whose waiter has finished (the answer written, the request over),
    /// and returns a weak reference to the message's data. Not inlined, so no local of it outlives the call.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private WeakReference<byte[]> AnswerWithMessage(PollDeadlines deadlines)
    {
        var poll = PollDueIn(TimeSpan.FromSeconds(10), out var answered);
        deadlines.Add(poll);
        var data = new byte[64 * 1024];
        Assert.True(poll.TryAnswer(PollAnswer.Deliver(new QueuedMessage(1, "app", "token", null, data, DateTimeOffset.UnixEpoch))));
        Assert.Same(data, answered.Result.Message!.Data);
        return new WeakReference<byte[]>(data);
    }
}
