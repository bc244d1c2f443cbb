using System.Text.Json;
using PushFunctions.Core.Pings;

namespace PushFunctions.Core.Payloads;

/// <summary>How one platform lays out a notification, and which part of it the platform limits in size.</summary>
internal abstract class PayloadShape
{
    public abstract Platform Platform { get; }

    public abstract string? NotificationHubsFormat { get; }

    /// <summary>The platform's limit, in UTF-8 bytes, on the part <see cref="WriteLimitedPart"/> writes.</summary>
    public abstract int ByteLimit { get; }

    public abstract IReadOnlyDictionary<string, string> HeadersFor(Notification notification);

    /// <param name="alert">The alert to send: the ping's message, possibly shortened; null when it has none.</param>
    public abstract void WriteBody(Utf8JsonWriter writer, Notification notification, string? phoneId, string? alert);

    /// <summary>The part of the payload the platform's size limit applies to; the whole body unless overridden.</summary>
    public virtual void WriteLimitedPart(Utf8JsonWriter writer, Notification notification, string? phoneId, string? alert) =>
        WriteBody(writer, notification, phoneId, alert);
}
