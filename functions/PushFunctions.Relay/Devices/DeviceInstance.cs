using PushFunctions.Relay.Polling;

namespace PushFunctions.Relay.Devices;

/// <summary>
/// One device's instance: its app registrations, its message queue (oldest first, ids increasing) and its waiting poll.
/// </summary>
public sealed class DeviceInstance(string id, string user, DateTimeOffset lastActivity, long lastIssuedId)
{
    private WaitingPoll? poll;
    private long lastActivityTicks = lastActivity.UtcTicks;

    public string Id { get; } = id;

    /// <summary>The user the instance was issued to; empty when the delegate accepted a cookie without Basic credentials.</summary>
    public string User { get; } = user;

    /// <summary>
    /// Serialises the changes to this instance that are also written to storage, so queue order, ids and storage agree.
    /// Held across the storage write; instances do not wait for each other.
    /// </summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Guarded by <see cref="Gate"/>. Ordered by id; a collapse replaces a message in place, keeping its id.</summary>
    public List<QueuedMessage> Queue { get; } = [];

    /// <summary>Guarded by <see cref="Gate"/>. By app name.</summary>
    public Dictionary<string, Registration> Registrations { get; } = new(StringComparer.Ordinal);

    /// <summary>Guarded by <see cref="Gate"/>. The highest id ever given to a message of this instance.</summary>
    public long LastIssuedId { get; set; } = lastIssuedId;

    /// <summary>Guarded by <see cref="Gate"/>. Set once the instance is deleted or expired.</summary>
    public bool Removed { get; set; }

    /// <summary>When the last activity was written to storage (written only now and then, not on every poll).</summary>
    public DateTimeOffset PersistedActivity { get; set; } = lastActivity;

    public DateTimeOffset LastActivity => new(Interlocked.Read(ref lastActivityTicks), TimeSpan.Zero);

    public WaitingPoll? Poll => Volatile.Read(ref poll);

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref lastActivityTicks, now.UtcTicks);

    /// <summary>Installs a new waiting poll and returns the one it replaces.</summary>
    public WaitingPoll? ReplacePoll(WaitingPoll? next) => Interlocked.Exchange(ref poll, next);

    /// <summary>Clears the slot if it still holds this poll (a newer poll may already have taken it).</summary>
    public void ReleasePoll(WaitingPoll finished) => Interlocked.CompareExchange(ref poll, null, finished);
}
