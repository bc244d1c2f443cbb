using PushFunctions.Relay.Polling;

namespace PushFunctions.Relay.Devices;

/// <summary>
/// One device's instance: its app registrations, its message queue (oldest first, ids increasing) and its waiting poll.
/// It exists from its first registration on (an instance id alone is only a signed value, as in the original server).
/// </summary>
public sealed class DeviceInstance(string id, string user, DateTimeOffset lastActivity, long lastIssuedId)
{
    private WaitingPoll? poll;
    private long lastActivityTicks = lastActivity.UtcTicks;

    public string Id { get; } = id;

    /// <summary>The user whose registrations the instance holds (the URL's user of its first registration).</summary>
    public string User { get; } = user;

    /// <summary>
    /// Serialises the changes to this instance, so queue order, ids and the order of its storage writes agree. A message
    /// write is only queued under it (its commit is awaited outside); removals are awaited under it, so memory never runs
    /// ahead of what storage acknowledged. Instances do not wait for each other.
    /// </summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Guarded by <see cref="Gate"/>. Ordered by id; a collapse replaces a message in place, keeping its id.</summary>
    public List<QueuedMessage> Queue { get; } = [];

    /// <summary>Guarded by <see cref="Gate"/>. By app name.</summary>
    public Dictionary<string, Registration> Registrations { get; } = new(StringComparer.Ordinal);

    /// <summary>Guarded by <see cref="Gate"/>. The highest id ever given to a message of this instance.</summary>
    public long LastIssuedId { get; set; } = lastIssuedId;

    /// <summary>Guarded by <see cref="Gate"/>. Its row is written (false while its first registration is being made).</summary>
    public bool Stored { get; set; }

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
