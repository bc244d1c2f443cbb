using System.Globalization;
using System.Text.Json;
using PushFunctions.Core.Pings;

namespace PushFunctions.Core.Payloads;

/// <summary>
/// The flat object of string values that FCM carries as <c>data</c> and WNS as the raw body;
/// Rhodes reads it as a string map on both.
/// </summary>
internal static class FlatDataObject
{
    public static void Write(Utf8JsonWriter writer, Notification notification, string? phoneId, string? alert)
    {
        writer.WriteStartObject();
        DoSync.WriteJoined(writer, notification.Sources);
        writer.WriteStringIfPresent("alert"u8, alert);
        writer.WriteStringIfPresent("badge"u8, notification.Badge?.ToString(CultureInfo.InvariantCulture));
        writer.WriteStringIfPresent("sound"u8, notification.Sound);
        writer.WriteStringIfPresent("vibrate"u8, notification.Vibrate);

        // Rhodes on Android drops a push whose phone_id is not its own, so it is sent only when the registration has one.
        if (!string.IsNullOrEmpty(phoneId))
        {
            writer.WriteString("phone_id"u8, phoneId);
        }

        writer.WriteEndObject();
    }
}
