using System.Collections.Concurrent;

namespace PushFunctions.Gateway.Channels.NotificationHubs;

/// <summary>
/// Which hubs last rejected the gateway's credentials. A configuration error, not a passing fault: /healthz stays
/// unhealthy until a send to that hub is accepted again (e.g. after the key is rotated back).
/// </summary>
public sealed class NotificationHubsHealth
{
    private readonly ConcurrentDictionary<string, string> _rejected = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Hub name → what the hub said, for each hub whose last answer was a credentials rejection.</summary>
    public IReadOnlyDictionary<string, string> RejectedHubs => _rejected;

    public void CredentialsRejected(string hub, string detail) => _rejected[hub] = detail;

    public void Accepted(string hub) => _rejected.TryRemove(hub, out _);
}
