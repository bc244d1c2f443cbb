using PushFunctions.Core.Payloads;

namespace PushFunctions.Core.FanOut;

/// <summary>RhoConnect's push type names, case-insensitive. Legacy GCM is shut down, so gcm/android go out as FCM v1.</summary>
public static class PlatformNames
{
    /// <summary>The platform as ping statuses and summaries name it: apple, fcm, wns, rhoconnect_push.</summary>
    public static string Name(Platform platform) => platform switch
    {
        Platform.Apple => "apple",
        Platform.Fcm => "fcm",
        Platform.Wns => "wns",
        _ => "rhoconnect_push",
    };

    public static bool TryResolve(string pushType, out Platform platform)
    {
        ArgumentNullException.ThrowIfNull(pushType);
        switch (pushType.Trim().ToUpperInvariant())
        {
            case "APPLE" or "IPHONE":
                platform = Platform.Apple;
                return true;
            case "FCM" or "GCM" or "ANDROID":
                platform = Platform.Fcm;
                return true;
            case "WINDOWS" or "WNS":
                platform = Platform.Wns;
                return true;
            case "RHOCONNECT_PUSH":
                platform = Platform.RhoConnectPush;
                return true;
            default:
                platform = default;
                return false;
        }
    }
}
