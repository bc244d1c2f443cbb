namespace PushFunctions.Testing.NotificationHubs;

/// <summary>The Notification Hubs routes the local hub implements.</summary>
public enum HubRoute
{
    /// <summary><c>POST {hub}/messages/?direct</c>: one device handle in ServiceBusNotification-DeviceHandle.</summary>
    DirectSend,

    /// <summary><c>POST {hub}/messages/$batch?direct</c>: multipart body with the notification and up to 1,000 handles.</summary>
    DirectBatchSend,

    /// <summary><c>GET {hub}/messages/{notification id}</c>: the notification's per-message telemetry (Standard tier).</summary>
    NotificationTelemetry,

    /// <summary>GET of the PNS error details blob a notification's telemetry points at (its address carries a SAS).</summary>
    PnsErrorDetails,
}
