namespace PushFunctions.Azure.NotificationHubs;

/// <summary>
/// The <see cref="global::Azure.RequestFailedException.ErrorCode"/> of a failed Notification Hubs call. The REST API
/// answers a status and an XML <c>&lt;Detail&gt;</c> only; a 403 means several things (the send APIs document "quota
/// exceeded or message too large", the official SDK also reads a 403 as an access policy without the needed claim),
/// so <see cref="NotificationHubErrorDetailsParser"/> names which one it was.
/// </summary>
public static class NotificationHubErrorCode
{
    /// <summary>401: the SAS token was refused (wrong key, unknown key name, expired, signed for another resource).</summary>
    public const string Unauthorized = "Unauthorized";

    /// <summary>403 that names neither quota, size nor tier: the access policy lacks the right the call needs (Send).</summary>
    public const string Forbidden = "Forbidden";

    /// <summary>403 for quota: the namespace has used the pushes its tier allows, or (with Retry-After) is throttled.</summary>
    public const string QuotaExceeded = "QuotaExceeded";

    /// <summary>403 for a message too large for the push service, or 413 for a request over the hub's 64 KB.</summary>
    public const string MessageSizeExceeded = "MessageSizeExceeded";

    /// <summary>403 for a feature the namespace's tier lacks: direct batch send on Free, telemetry below Standard.</summary>
    public const string NotAvailableForTier = "NotAvailableForTier";

    /// <summary>404: no hub (message branch) at the address, typically a hub name the namespace does not have.</summary>
    public const string MessagingEntityNotFound = "MessagingEntityNotFound";
}
