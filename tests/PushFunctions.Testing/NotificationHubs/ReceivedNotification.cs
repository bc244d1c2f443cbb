namespace PushFunctions.Testing.NotificationHubs;

/// <summary>One device's copy of a notification the local hub accepted.</summary>
/// <param name="Hub">The hub it was sent through.</param>
/// <param name="Route">How it was sent.</param>
/// <param name="Format">The ServiceBusNotification-Format header.</param>
/// <param name="Headers">The request's headers (Authorization left out), e.g. apns-push-type, X-WNS-Type.</param>
/// <param name="ContentType">The notification's content type (for a batch, the notification part's).</param>
/// <param name="Body">The notification body, decoded as UTF-8.</param>
/// <param name="Handle">The device handle it was addressed to.</param>
/// <param name="NotificationId">The id the hub answered in Location.</param>
/// <param name="ReceivedTimestamp">When the hub accepted it, as a <see cref="System.Diagnostics.Stopwatch"/> timestamp.</param>
public sealed record ReceivedNotification(
    string Hub,
    HubRoute Route,
    string Format,
    IReadOnlyDictionary<string, string> Headers,
    string ContentType,
    string Body,
    string Handle,
    string NotificationId,
    long ReceivedTimestamp);
