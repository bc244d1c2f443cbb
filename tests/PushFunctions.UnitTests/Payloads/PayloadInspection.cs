using System.Text;
using System.Text.Json;
using PushFunctions.Core.Payloads;

namespace PushFunctions.UnitTests.Payloads;

/// <summary>Reads back what the platforms would read from a payload, and the part each platform limits.</summary>
internal static class PayloadInspection
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The documented size limits (spec/payloads.md; the relay's is the one chosen for it).</summary>
    public static int ByteLimitOf(Platform platform) => platform switch
    {
        Platform.Apple => 4096,
        Platform.Fcm => 4096,
        Platform.Wns => 5120,
        Platform.RhoConnectPush => 4096,
        _ => throw new ArgumentOutOfRangeException(nameof(platform)),
    };

    /// <summary>The UTF-8 bytes of the part the platform limits; throws if the body is not valid UTF-8.</summary>
    public static byte[] LimitedPartBytes(PlatformPayload payload)
    {
        var body = StrictUtf8.GetBytes(payload.Body);
        if (payload.Platform != Platform.Fcm)
        {
            return body;
        }

        using var document = JsonDocument.Parse(body);
        return StrictUtf8.GetBytes(document.RootElement.GetProperty("message").GetProperty("android").GetProperty("data").GetRawText());
    }

    /// <summary>The alert text the device would show.</summary>
    public static string Alert(PlatformPayload payload)
    {
        using var document = JsonDocument.Parse(payload.Body);
        var root = document.RootElement;
        var alert = payload.Platform switch
        {
            Platform.Apple => root.GetProperty("aps").GetProperty("alert"),
            Platform.Fcm => root.GetProperty("message").GetProperty("android").GetProperty("data").GetProperty("alert"),
            Platform.Wns => root.GetProperty("alert"),
            Platform.RhoConnectPush => root.GetProperty("data").GetProperty("alert"),
            _ => throw new ArgumentOutOfRangeException(nameof(payload)),
        };
        return alert.GetString()!;
    }
}
