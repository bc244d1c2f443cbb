using PushFunctions.Azure.NotificationHubs;

namespace PushFunctions.Gateway.Channels.NotificationHubs;

/// <summary>One hub's client, and whether the hub refused batch send (Free tier), remembered for the process's life.</summary>
internal sealed class HubSender(NotificationHubClient client)
{
    private int _batchRefused;

    public NotificationHubClient Client { get; } = client;

    public string Name => Client.HubName;

    public bool BatchRefused => Volatile.Read(ref _batchRefused) == 1;

    /// <summary>Records the refusal; true only for the call that recorded it first, so it is logged once.</summary>
    public bool RefuseBatch() => Interlocked.Exchange(ref _batchRefused, 1) == 0;
}
