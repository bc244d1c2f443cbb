namespace PushFunctions.Gateway.Channels.NotificationHubs;

/// <summary>
/// Where native pushes go: the namespace's Send connection string, the default hub, and a hub per
/// <c>device_app_id</c> for apps with their own APNs/FCM credentials. With no connection string the channel is not
/// registered and the log channel serves every platform.
/// </summary>
public sealed class NotificationHubsOptions
{
    public const string Section = "NotificationHubs";

    /// <summary><c>Endpoint=sb://{namespace}.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...</c> (a secret).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The hub for devices whose app has no entry in <see cref="Hubs"/>.</summary>
    public string? HubName { get; set; }

    /// <summary><c>device_app_id</c> → hub name.</summary>
    public Dictionary<string, string> Hubs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Requests to the hubs in flight at once for one ping.</summary>
    public int MaxRequestsInFlight { get; set; } = 16;

    /// <summary>Retries of a throttled (429) or failing (5xx) call before the devices fail with its last answer.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The first retry's delay, doubled per retry with jitter; a longer Retry-After from the hub wins.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The hub for an app: its own when mapped, the default otherwise (null when neither is configured).</summary>
    public string? HubFor(string? deviceAppId) =>
        deviceAppId is not null && Hubs.TryGetValue(deviceAppId, out var hub) && !string.IsNullOrWhiteSpace(hub) ? hub
        : string.IsNullOrWhiteSpace(HubName) ? null : HubName;
}
