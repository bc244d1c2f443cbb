namespace PushFunctions.Relay.Polling;

public enum PollOutcome
{
    /// <summary>200 with the oldest queued message.</summary>
    Message,

    /// <summary>204: nothing arrived before the poll timeout.</summary>
    TimedOut,

    /// <summary>204: a newer poll on the same instance took over.</summary>
    Superseded,

    /// <summary>410: the registration (or instance) was deleted while the poll waited.</summary>
    Gone,

    /// <summary>The device hung up; nothing is written.</summary>
    Abandoned,
}
