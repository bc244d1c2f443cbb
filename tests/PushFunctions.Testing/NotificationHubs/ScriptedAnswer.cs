namespace PushFunctions.Testing.NotificationHubs;

/// <summary>A status (with the detail the service would give) the local hub answers instead of accepting, for a number of requests.</summary>
internal sealed class ScriptedAnswer(int status, TimeSpan? retryAfter, int times, string? detail)
{
    private int _remaining = times;

    public int Status { get; } = status;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The error body's detail; empty for an answer without a body.</summary>
    public string? Detail { get; } = detail;

    /// <summary>Uses up one answer; false once they are all used.</summary>
    public bool TryTake() => Interlocked.Decrement(ref _remaining) >= 0;
}
