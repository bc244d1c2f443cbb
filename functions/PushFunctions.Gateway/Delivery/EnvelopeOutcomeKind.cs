namespace PushFunctions.Gateway.Delivery;

/// <summary>What the queue should do with a message after one delivery attempt.</summary>
public enum EnvelopeOutcomeKind
{
    /// <summary>Every ping is delivered: complete (delete) the message.</summary>
    Completed,

    /// <summary>Something failed that may pass (an outage): deliver the envelope again after the outcome's delay.</summary>
    Retry,

    /// <summary>The last allowed attempt failed: poison / dead-letter it. The ping status says so (that write succeeded).</summary>
    GiveUp,

    /// <summary>The message is not a ping envelope and never will be: poison / dead-letter it now, without retrying.</summary>
    Rejected,
}
