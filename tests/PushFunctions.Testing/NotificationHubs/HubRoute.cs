namespace PushFunctions.Testing.NotificationHubs;

/// <summary>The Notification Hubs send routes the local hub implements.</summary>
public enum HubRoute
{
    /// <summary><c>POST {hub}/messages/?direct</c>: one device handle in ServiceBusNotification-DeviceHandle.</summary>
    DirectSend,

    /// <summary><c>POST {hub}/messages/$batch?direct</c>: multipart body with the notification and up to 1,000 handles.</summary>
    DirectBatchSend,
}
