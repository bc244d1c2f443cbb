namespace PushFunctions.Gateway.Configuration;

/// <summary>Settings section "RhoConnect".</summary>
public sealed class RhoConnectOptions
{
    public const string Section = "RhoConnect";

    /// <summary>Valid API tokens, comma-separated, so a new token can be rolled out before the old one is retired.</summary>
    public string ApiTokens { get; set; } = string.Empty;

    /// <summary>Signs device session cookies (POST /rc/v1/app/login). Unset: device sessions are off.</summary>
    public string SessionSecret { get; set; } = string.Empty;

    /// <summary>How long a device session cookie stays valid.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(14);
}
