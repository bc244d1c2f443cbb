using PushFunctions.Relay.Devices;

namespace PushFunctions.Relay.Storage;

/// <summary>
/// The relay's durable state. Memory is authoritative while the relay runs (one relay process owns its tables, see
/// <see cref="WriterLease"/>); storage is what survives a restart. Message writes are group-committed: a call queues its
/// change before it returns, changes of one instance reach storage in the order of the calls, and the returned task
/// completes when the change is durable.
/// </summary>
public interface IRelayStore
{
    Task<RelaySnapshot> LoadAsync(CancellationToken cancellationToken = default);

    Task SaveInstanceAsync(StoredInstance instance, CancellationToken cancellationToken = default);

    /// <summary>Records device activity on an instance; does nothing when the instance is gone.</summary>
    Task TouchInstanceAsync(string instanceId, DateTimeOffset lastActivity, CancellationToken cancellationToken = default);

    /// <summary>Deletes the instance row and the named registrations (its messages go with <see cref="RemoveMessagesAsync"/>).</summary>
    Task DeleteInstanceAsync(string instanceId, IReadOnlyCollection<string> appNames, CancellationToken cancellationToken = default);

    Task SaveRegistrationAsync(Registration registration, CancellationToken cancellationToken = default);

    Task DeleteRegistrationAsync(string instanceId, string appName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a new message, or replaces a collapsed one (same id). A message already handed to a waiting device may wait
    /// briefly for that device's acknowledgement, to be written with it.
    /// </summary>
    Task WriteMessageAsync(string instanceId, QueuedMessage message);

    /// <summary>
    /// Deletes messages and records <paramref name="lastIssuedId"/>, the highest id issued so far, so ids keep increasing
    /// after a restart even when the queue is empty; a null one (the instance is deleted) deletes that record too.
    /// </summary>
    Task RemoveMessagesAsync(string instanceId, IReadOnlyCollection<QueuedMessage> messages, long? lastIssuedId);
}
