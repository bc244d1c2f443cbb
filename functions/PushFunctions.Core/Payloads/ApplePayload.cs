using System.Collections.Frozen;
using System.Text.Json;
using PushFunctions.Core.Pings;

namespace PushFunctions.Core.Payloads;

/// <summary>APNs through Notification Hubs: <c>{"aps":{...},"do_sync":[...]}</c>.</summary>
internal sealed class ApplePayload : PayloadShape
{
    private static readonly FrozenDictionary<string, string> AlertHeaders = new Dictionary<string, string>
    {
        ["apns-push-type"] = "alert",
        ["apns-priority"] = "10",
    }.ToFrozenDictionary();

    // APNs requires priority 5 for background pushes and may throttle or drop them otherwise.
    private static readonly FrozenDictionary<string, string> BackgroundHeaders = new Dictionary<string, string>
    {
        ["apns-push-type"] = "background",
        ["apns-priority"] = "5",
    }.ToFrozenDictionary();

    public override Platform Platform => Platform.Apple;

    public override string? NotificationHubsFormat => "apple";

    public override int ByteLimit => 4096;

    public override IReadOnlyDictionary<string, string> HeadersFor(Notification notification) =>
        notification.IsSilent ? BackgroundHeaders : AlertHeaders;

    public override void WriteBody(Utf8JsonWriter writer, Notification notification, string? phoneId, string? alert)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("aps"u8);
        if (notification.IsSilent)
        {
            // A background push wakes the app to sync and shows nothing, so vibrate has nothing to accompany.
            writer.WriteNumber("content-available"u8, 1);
        }
        else
        {
            writer.WriteStringIfPresent("alert"u8, alert);
            if (notification.Badge is { } badge)
            {
                writer.WriteNumber("badge"u8, badge);
            }

            writer.WriteStringIfPresent("sound"u8, notification.Sound);
            writer.WriteStringIfPresent("vibrate"u8, notification.Vibrate);
        }

        writer.WriteEndObject();
        DoSync.WriteArray(writer, notification.Sources);
        writer.WriteEndObject();
    }
}
