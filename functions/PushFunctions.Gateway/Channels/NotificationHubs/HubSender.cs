using PushFunctions.Azure.NotificationHubs;

namespace PushFunctions.Gateway.Channels.NotificationHubs;

/// <summary>
/// One hub's client, and until when the hub's refusal of direct batch send (Free tier) stands: the batch route is
/// tried again after that, so a namespace moved to a higher tier gets its batches back.
/// </summary>
internal sealed class HubSender(NotificationHubClient client)
{
    private long _batchRefusedUntilTicks;

    public NotificationHubClient Client { get; } = client;

    public string Name => Client.HubName;

    public bool MayBatch(DateTimeOffset now) => now.UtcTicks >= Interlocked.Read(ref _batchRefusedUntilTicks);

    /// <summary>Records a refusal until <paramref name="until"/>; true only for the call that found no refusal standing, so it is logged once.</summary>
    public bool RefuseBatch(DateTimeOffset now, DateTimeOffset until) =>
        Interlocked.Exchange(ref _batchRefusedUntilTicks, until.UtcTicks) <= now.UtcTicks;
}
