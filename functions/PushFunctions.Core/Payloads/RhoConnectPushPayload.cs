using System.Collections.Frozen;
using System.Text.Json;
using PushFunctions.Core.Pings;

namespace PushFunctions.Core.Payloads;

/// <summary>The RPS relay's message: <c>{"collapseId":badge,"data":{...}}</c>.</summary>
internal sealed class RhoConnectPushPayload : PayloadShape
{
    public override Platform Platform => Platform.RhoConnectPush;

    public override string? NotificationHubsFormat => null;

    // The RPS protocol sets no limit. Its devices are Android, whose app already copes with FCM's 4,096 bytes, and
    // the relay keeps every message queued in storage until the device acknowledges it: the same bound keeps those
    // messages small and a ping's alert cut the same way on every Android device, whichever channel reaches it.
    public override int ByteLimit => 4096;

    public override IReadOnlyDictionary<string, string> HeadersFor(Notification notification) =>
        FrozenDictionary<string, string>.Empty;

    public override void WriteBody(Utf8JsonWriter writer, Notification notification, string? phoneId, string? alert)
    {
        writer.WriteStartObject();

        // The original server sent the badge as the collapse id: a newer ping with the same badge replaces a queued one.
        if (notification.Badge is { } badge)
        {
            writer.WriteNumber("collapseId"u8, badge);
        }

        writer.WriteStartObject("data"u8);
        writer.WriteStringIfPresent("alert"u8, alert);
        writer.WriteStringIfPresent("sound"u8, notification.Sound);
        writer.WriteStringIfPresent("vibrate"u8, notification.Vibrate);
        DoSync.WriteArray(writer, notification.Sources);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
