namespace PushFunctions.Gateway.Channels.RhoConnectPush;

/// <summary>Settings section "Rps": the RhoConnect Push Service relay (ours, or an existing rhoconnect-push server).</summary>
public sealed class RhoConnectPushOptions
{
    public const string Section = "Rps";

    public Uri? RelayUrl { get; set; }

    /// <summary>The app name the relay issued device tokens for; with <see cref="AppPassword"/> the Basic credentials of every send.</summary>
    public string AppName { get; set; } = string.Empty;

    public string AppPassword { get; set; } = string.Empty;

    /// <summary>The channel is on when a relay and an app name are configured; otherwise the log channel records relay sends.</summary>
    public bool IsConfigured => RelayUrl is not null && !string.IsNullOrEmpty(AppName);
}
