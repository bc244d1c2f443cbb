namespace PushFunctions.LoadGenerator;

/// <summary>One simulated device of the benchmark: its instance, cookie and token, and where its poll stands.</summary>
public sealed class BenchDevice(string instance, string cookie, string token)
{
    private const int Idle = 0;
    private const int Waiting = 1;
    private const int MessagePending = 2;
    private int state;
    private long postedTimestamp;
    private long accepted;

    public string Instance { get; } = instance;

    public string Cookie { get; } = cookie;

    public string Token { get; } = token;

    public long? LastMessage { get; set; }

    /// <summary>Messages the relay answered 204 for this device in the durable phase.</summary>
    public long Accepted => Interlocked.Read(ref accepted);

    public void CountAccepted() => Interlocked.Increment(ref accepted);

    public void MarkWaiting() => Volatile.Write(ref state, Waiting);

    /// <summary>Claims a waiting device for one message; false when it is not waiting or already has one coming.</summary>
    public bool TryClaimForMessage(long timestamp)
    {
        if (Interlocked.CompareExchange(ref state, MessagePending, Waiting) != Waiting)
        {
            return false;
        }

        Volatile.Write(ref postedTimestamp, timestamp);
        return true;
    }

    /// <summary>The claim's post time when a message was expected, then idle until the next poll is sent.</summary>
    public long? TakePostedTimestamp()
    {
        var previous = Interlocked.Exchange(ref state, Idle);
        return previous == MessagePending ? Volatile.Read(ref postedTimestamp) : null;
    }
}
