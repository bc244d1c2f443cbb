namespace PushFunctions.Core.Delivery;

/// <summary>How one candidate device of a ping ended.</summary>
public enum OutcomeStatus
{
    Sent,
    Skipped,
    Failed,

    /// <summary>
    /// Not ended yet: the channel's service did not take the send now (it answered 429 or 5xx, or did not answer, after
    /// the channel's own retries). A later attempt of the ping sends it again; only the last allowed attempt turns it
    /// into <see cref="Failed"/>. Never recorded: a recorded outcome is always one of the others.
    /// </summary>
    Deferred,
}
