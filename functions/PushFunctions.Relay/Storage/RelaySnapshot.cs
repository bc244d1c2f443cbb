using PushFunctions.Relay.Devices;

namespace PushFunctions.Relay.Storage;

/// <summary>Everything the relay keeps, as read from storage at startup.</summary>
/// <param name="Watermarks">Per instance, the highest message id issued when its queue was last trimmed.</param>
public sealed record RelaySnapshot(
    IReadOnlyList<StoredInstance> Instances,
    IReadOnlyList<Registration> Registrations,
    IReadOnlyList<StoredMessage> Messages,
    IReadOnlyDictionary<string, long> Watermarks);
