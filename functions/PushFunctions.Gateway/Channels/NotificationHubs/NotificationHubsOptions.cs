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

    /// <summary>Requests to the hubs in flight at once for one ping (and for the telemetry reads of pruning).</summary>
    public int MaxRequestsInFlight { get; set; } = 16;

    /// <summary>Retries of a throttled (429) or failing (5xx) call before the devices fail with its last answer.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The first retry's delay, doubled per retry with jitter; a longer Retry-After from the hub wins.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a hub that refused direct batch send (Free tier) gets direct sends only before the batch route is
    /// tried again; a namespace moved to Basic or Standard gets its batches back after at most this long.
    /// </summary>
    public TimeSpan BatchRetryInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Whether registrations whose handle a push service reported expired or invalid are marked invalid, from the
    /// per-message telemetry of the notifications sent (Standard tier; lower tiers give no telemetry).
    /// </summary>
    public bool PruneReportedHandles { get; set; } = true;

    /// <summary>How long after a send its telemetry is first read.</summary>
    public TimeSpan FeedbackDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often telemetry the hub has not finished (404, Enqueued, Processing) is read again; the REST reference says to wait 10 s.</summary>
    public TimeSpan FeedbackPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>When a notification's telemetry is given up on; the hub abandons processing after 30 minutes.</summary>
    public TimeSpan FeedbackTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The most handles whose telemetry is awaited at once; the notifications of a send beyond it are not followed.</summary>
    public int FeedbackMaxHandles { get; set; } = 100_000;

    /// <summary>The hub for an app: its own when mapped, the default otherwise (null when neither is configured).</summary>
    public string? HubFor(string? deviceAppId) =>
        deviceAppId is not null && Hubs.TryGetValue(deviceAppId, out var hub) && !string.IsNullOrWhiteSpace(hub) ? hub
        : string.IsNullOrWhiteSpace(HubName) ? null : HubName;

    /// <summary>The app settings that name <paramref name="hub"/>, as the Functions host spells them, for an operator to check.</summary>
    public IReadOnlyList<string> SettingsNaming(string hub)
    {
        var settings = Hubs.Where(mapping => string.Equals(mapping.Value, hub, StringComparison.OrdinalIgnoreCase))
            .Select(mapping => $"{Section}__{nameof(Hubs)}__{mapping.Key}")
            .Order(StringComparer.Ordinal)
            .ToList();
        if (string.Equals(HubName, hub, StringComparison.OrdinalIgnoreCase))
        {
            settings.Insert(0, $"{Section}__{nameof(HubName)}");
        }

        return settings;
    }
}
