using PushFunctions.Relay.Devices;
using PushFunctions.Relay.Polling;

namespace PushFunctions.UnitTests.Relay;

public sealed class PollDeadlinesTests
{
    private readonly ManualTimeProvider clock = new();

    private WaitingPoll PollDueIn(TimeSpan wait) => new(clock.GetTimestamp() + (long)(wait.TotalSeconds * clock.TimestampFrequency));

    [Fact]
    public void A_poll_is_not_answered_before_its_deadline()
    {
        var deadlines = new PollDeadlines(clock);
        var poll = PollDueIn(TimeSpan.FromSeconds(10));
        deadlines.Add(poll);

        clock.Advance(TimeSpan.FromSeconds(9));
        deadlines.ExpireDue();

        Assert.False(poll.Task.IsCompleted);
    }

    [Fact]
    public async Task A_poll_past_its_deadline_is_answered_timed_out()
    {
        var deadlines = new PollDeadlines(clock);
        var poll = PollDueIn(TimeSpan.FromSeconds(10));
        deadlines.Add(poll);

        clock.Advance(TimeSpan.FromSeconds(10));
        deadlines.ExpireDue();

        Assert.True(poll.Task.IsCompleted);
        Assert.Equal(PollOutcome.TimedOut, (await poll.Task).Outcome);
    }

    [Fact]
    public void Only_the_due_polls_are_answered()
    {
        var deadlines = new PollDeadlines(clock);
        var early = PollDueIn(TimeSpan.FromSeconds(10));
        deadlines.Add(early);
        clock.Advance(TimeSpan.FromSeconds(5));
        var late = PollDueIn(TimeSpan.FromSeconds(10));
        deadlines.Add(late);

        clock.Advance(TimeSpan.FromSeconds(6));
        deadlines.ExpireDue();

        Assert.True(early.Task.IsCompleted);
        Assert.False(late.Task.IsCompleted);
    }

    [Fact]
    public async Task A_poll_answered_with_a_message_keeps_that_answer_at_its_deadline()
    {
        var deadlines = new PollDeadlines(clock);
        var poll = PollDueIn(TimeSpan.FromSeconds(10));
        deadlines.Add(poll);
        var message = new QueuedMessage(1, "app", "token", null, "{}"u8.ToArray(), DateTimeOffset.UnixEpoch);
        poll.TryAnswer(PollAnswer.Deliver(message));

        clock.Advance(TimeSpan.FromSeconds(11));
        deadlines.ExpireDue();

        var answer = await poll.Task;
        Assert.Equal(PollOutcome.Message, answer.Outcome);
        Assert.Same(message, answer.Message);
    }
}
