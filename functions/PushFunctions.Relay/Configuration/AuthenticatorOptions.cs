namespace PushFunctions.Relay.Configuration;

/// <summary>Which device authenticator the relay uses and where the delegate one asks.</summary>
public sealed class AuthenticatorOptions
{
    public AuthenticatorMode Mode { get; set; } = AuthenticatorMode.Delegate;

    /// <summary>RhoConnect's <c>/rc/v1/app/rps_login</c>: answers 204 for a device's credentials.</summary>
    public Uri? DeviceLoginUrl { get; set; }

    /// <summary>RhoConnect's <c>/rc/v1/system/rps_login</c>: answers 204 for a backend's app credentials.</summary>
    public Uri? AppLoginUrl { get; set; }

    /// <summary>How long a yes from the delegate is trusted without asking again.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for the delegate before answering 503.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
