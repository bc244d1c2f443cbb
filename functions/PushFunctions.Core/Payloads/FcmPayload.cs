using System.Collections.Frozen;
using System.Text.Json;
using PushFunctions.Core.Pings;

namespace PushFunctions.Core.Payloads;

/// <summary>FCM HTTP v1 through Notification Hubs: high-priority Android message with the flat <c>data</c> object.</summary>
internal sealed class FcmPayload : PayloadShape
{
    public override Platform Platform => Platform.Fcm;

    public override string? NotificationHubsFormat => "fcmv1";

    public override int ByteLimit => 4096;

    public override IReadOnlyDictionary<string, string> HeadersFor(Notification notification) =>
        FrozenDictionary<string, string>.Empty;

    public override void WriteBody(Utf8JsonWriter writer, Notification notification, string? phoneId, string? alert)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("message"u8);
        writer.WriteStartObject("android"u8);
        writer.WriteString("priority"u8, "high");
        writer.WritePropertyName("data"u8);
        FlatDataObject.Write(writer, notification, phoneId, alert);

        // Without a notification block the push is data-only: the app handles it without showing anything.
        if (alert is not null)
        {
            writer.WriteStartObject("notification"u8);
            writer.WriteString("body"u8, alert);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public override void WriteLimitedPart(Utf8JsonWriter writer, Notification notification, string? phoneId, string? alert) =>
        FlatDataObject.Write(writer, notification, phoneId, alert);
}
