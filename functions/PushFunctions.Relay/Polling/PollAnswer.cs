using PushFunctions.Relay.Devices;

namespace PushFunctions.Relay.Polling;

public readonly record struct PollAnswer(PollOutcome Outcome, QueuedMessage? Message)
{
    public static PollAnswer TimedOut { get; } = new(PollOutcome.TimedOut, null);

    public static PollAnswer Superseded { get; } = new(PollOutcome.Superseded, null);

    public static PollAnswer Gone { get; } = new(PollOutcome.Gone, null);

    public static PollAnswer Abandoned { get; } = new(PollOutcome.Abandoned, null);

    public static PollAnswer Deliver(QueuedMessage message) => new(PollOutcome.Message, message);
}
