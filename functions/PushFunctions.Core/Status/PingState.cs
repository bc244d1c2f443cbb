namespace PushFunctions.Core.Status;

/// <summary>Where a ping is. Rejected: the queue refused it after it was recorded, and the caller got 503 (nothing was sent).</summary>
public enum PingState
{
    Queued,
    Delivering,
    Done,
    Failed,
    Rejected,
}
