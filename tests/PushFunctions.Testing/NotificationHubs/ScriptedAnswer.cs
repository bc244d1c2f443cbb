namespace PushFunctions.Testing.NotificationHubs;

/// <summary>A status the local hub answers instead of accepting, for a number of requests.</summary>
internal sealed class ScriptedAnswer(int status, TimeSpan? retryAfter, int times)
{
    private int _remaining = times;

    public int Status { get; } = status;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Uses up one answer; false once they are all used.</summary>
    public bool TryTake() => Interlocked.Decrement(ref _remaining) >= 0;

    /// <summary>Whether a request would still get this answer, without using one up.</summary>
    public bool Remains => Volatile.Read(ref _remaining) > 0;
}
