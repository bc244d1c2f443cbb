using System.Collections.Frozen;
using System.Text.Json;
using PushFunctions.Core.Pings;

namespace PushFunctions.Core.Payloads;

/// <summary>WNS through Notification Hubs: a raw notification whose body is the flat data object.</summary>
internal sealed class WnsPayload : PayloadShape
{
    private static readonly FrozenDictionary<string, string> RawHeaders = new Dictionary<string, string>
    {
        ["X-WNS-Type"] = "wns/raw",
    }.ToFrozenDictionary();

    public override Platform Platform => Platform.Wns;

    public override string? NotificationHubsFormat => "windows";

    public override int ByteLimit => 5120;

    public override IReadOnlyDictionary<string, string> HeadersFor(Notification notification) => RawHeaders;

    public override void WriteBody(Utf8JsonWriter writer, Notification notification, string? phoneId, string? alert) =>
        FlatDataObject.Write(writer, notification, phoneId, alert);
}
