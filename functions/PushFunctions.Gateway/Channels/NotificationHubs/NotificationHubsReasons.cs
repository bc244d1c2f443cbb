namespace PushFunctions.Gateway.Channels.NotificationHubs;

/// <summary>Reasons the Notification Hubs channel gives failed devices, besides the shared <c>OutcomeReasons</c>.</summary>
public static class NotificationHubsReasons
{
    /// <summary>401, or a 403 that is neither quota, size nor tier: the connection string's key is wrong or lacks Send rights.</summary>
    public const string CredentialsRejected = "notification hubs credentials rejected";

    /// <summary>404: the namespace has no hub of the configured name (a mistyped hub setting); nothing is said about the devices.</summary>
    public const string HubNotFound = "notification hub not found";

    /// <summary>403 for quota: the namespace has used the pushes its tier allows.</summary>
    public const string QuotaExceeded = "notification hubs quota exceeded";

    /// <summary>400: the hub refused the payload; sending it again would fail the same way.</summary>
    public const string BadPayload = "notification hubs rejected the payload";

    /// <summary>No answer from the hub after the client's retries (connection refused, timeouts).</summary>
    public const string Unreachable = "notification hubs unreachable";

    /// <summary>Neither a hub for the device's app nor a default hub is configured.</summary>
    public const string NoHub = "no notification hub configured for the app";
}
