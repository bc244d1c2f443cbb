namespace PushFunctions.Gateway.Channels.NotificationHubs;

/// <summary>Reasons the Notification Hubs channel gives failed devices, besides the shared <c>OutcomeReasons</c>.</summary>
public static class NotificationHubsReasons
{
    /// <summary>401, or 403 on a direct send: the connection string's key is wrong or lacks Send rights.</summary>
    public const string CredentialsRejected = "notification hubs credentials rejected";

    /// <summary>400: the hub refused the payload; sending it again would fail the same way.</summary>
    public const string BadPayload = "notification hubs rejected the payload";

    /// <summary>No answer from the hub after the client's retries (connection refused, timeouts).</summary>
    public const string Unreachable = "notification hubs unreachable";

    /// <summary>Neither a hub for the device's app nor a default hub is configured.</summary>
    public const string NoHub = "no notification hub configured for the app";
}
