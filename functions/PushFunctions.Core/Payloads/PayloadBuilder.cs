using System.Text;
using PushFunctions.Core.Pings;

namespace PushFunctions.Core.Payloads;

/// <summary>Turns a ping's notification into what one platform receives (spec/payloads.md).</summary>
public static class PayloadBuilder
{
    private static readonly ApplePayload Apple = new();
    private static readonly FcmPayload Fcm = new();
    private static readonly WnsPayload Wns = new();
    private static readonly RhoConnectPushPayload RhoConnectPush = new();

    /// <summary>
    /// The payload for <paramref name="platform"/>, with the alert shortened (ending in "…") when the platform's
    /// size limit requires it, or the failure <see cref="PayloadResult.PayloadTooLarge"/> when even that cannot fit.
    /// </summary>
    /// <param name="phoneId">The device registration's <c>phone_id</c>; null or empty when it has none.</param>
    public static PayloadResult Build(Platform platform, Notification notification, string? phoneId)
    {
        ArgumentNullException.ThrowIfNull(notification);
        PayloadShape shape = platform switch
        {
            Platform.Apple => Apple,
            Platform.Fcm => Fcm,
            Platform.Wns => Wns,
            Platform.RhoConnectPush => RhoConnectPush,
            _ => throw new ArgumentOutOfRangeException(nameof(platform), platform, "Unknown platform."),
        };

        using var renderer = new JsonRenderer();
        var fits = AlertShortener.TryFit(
            notification.Message,
            shape.ByteLimit,
            candidate => renderer.Render(writer => shape.WriteLimitedPart(writer, notification, phoneId, candidate)).Length,
            out var alert);
        if (!fits)
        {
            return PayloadResult.Failure(PayloadResult.PayloadTooLarge);
        }

        var body = Encoding.UTF8.GetString(renderer.Render(writer => shape.WriteBody(writer, notification, phoneId, alert)));
        return PayloadResult.Success(new PlatformPayload(platform, body, shape.HeadersFor(notification), shape.NotificationHubsFormat));
    }
}
