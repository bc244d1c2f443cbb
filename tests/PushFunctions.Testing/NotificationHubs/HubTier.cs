namespace PushFunctions.Testing.NotificationHubs;

/// <summary>
/// The namespace tiers, with what the local hub does differently for each (Notification Hubs pricing and the REST
/// reference): direct batch send needs Basic or Standard; the notification id in Location and per-message telemetry
/// with PNS error details are Standard only.
/// </summary>
public enum HubTier
{
    /// <summary>Direct sends only: the batch route answers 403 "not available for your tier"; no notification ids.</summary>
    Free,

    /// <summary>Direct and batch sends; no notification ids, no telemetry.</summary>
    Basic,

    /// <summary>Everything: notification ids, per-message telemetry, PNS error details.</summary>
    Standard,
}
