namespace PushFunctions.Core.Payloads;

/// <summary>What one platform receives for one ping and one device: the body and the headers its sender must set.</summary>
/// <param name="Platform">The platform the payload is shaped for.</param>
/// <param name="Body">The request body, JSON text (send it as UTF-8).</param>
/// <param name="Headers">Platform headers the sender must set (APNs push type and priority, the WNS type); empty when there are none.</param>
/// <param name="NotificationHubsFormat">The Notification Hubs format (<c>apple</c>, <c>fcmv1</c>, <c>windows</c>); null for the RPS relay, which is not reached through Notification Hubs.</param>
public sealed record PlatformPayload(
    Platform Platform,
    string Body,
    IReadOnlyDictionary<string, string> Headers,
    string? NotificationHubsFormat);
