namespace PushFunctions.Gateway.Delivery;

/// <summary>What the queue should do with a message after one delivery attempt.</summary>
public enum EnvelopeOutcome
{
    /// <summary>Every ping is delivered: complete (delete) the message.</summary>
    Completed,

    /// <summary>Something failed that may pass: make the message visible again later.</summary>
    Retry,

    /// <summary>The last allowed attempt failed, or the message can never succeed: poison / dead-letter it. The status says so.</summary>
    GiveUp,
}
