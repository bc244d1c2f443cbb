using PushFunctions.Relay.Devices;

namespace PushFunctions.Relay.Storage;

/// <summary>
/// The relay's durable state. Memory is authoritative while the relay runs (one relay process owns its tables);
/// storage is what survives a restart.
/// </summary>
public interface IRelayStore
{
    Task InitializeAsync(CancellationToken cancellationToken = default);

    Task<RelaySnapshot> LoadAsync(CancellationToken cancellationToken = default);

    Task SaveInstanceAsync(StoredInstance instance, CancellationToken cancellationToken = default);

    /// <summary>Records device activity on an instance; does nothing when the instance is gone.</summary>
    Task TouchInstanceAsync(string instanceId, DateTimeOffset lastActivity, CancellationToken cancellationToken = default);

    /// <summary>Deletes the instance row, the named registrations and every listed message.</summary>
    Task DeleteInstanceAsync(string instanceId, IReadOnlyCollection<string> appNames, IReadOnlyCollection<long> messageIds, CancellationToken cancellationToken = default);

    Task SaveRegistrationAsync(Registration registration, CancellationToken cancellationToken = default);

    Task DeleteRegistrationAsync(string instanceId, string appName, CancellationToken cancellationToken = default);

    /// <summary>Writes a new message or replaces a collapsed one (same id): one write on the hot path.</summary>
    Task SaveMessageAsync(StoredMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes messages and records the highest id issued so far, so ids keep increasing after a restart even when
    /// the queue was empty.
    /// </summary>
    Task DeleteMessagesAsync(string instanceId, IReadOnlyCollection<long> messageIds, long watermark, CancellationToken cancellationToken = default);
}
