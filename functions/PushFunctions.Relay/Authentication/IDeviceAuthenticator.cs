namespace PushFunctions.Relay.Authentication;

/// <summary>Decides whether a device or a backend app may use the relay (the spec's "device authenticator").</summary>
public interface IDeviceAuthenticator
{
    /// <summary>Checks a device's credentials (Basic and/or cookie) on the device calls.</summary>
    ValueTask<AuthenticationResult> AuthenticateDeviceAsync(PresentedCredentials credentials, CancellationToken cancellationToken = default);

    /// <summary>Checks a backend's <c>appName:password</c> on <c>POST /messageQueue</c>.</summary>
    ValueTask<AuthenticationResult> AuthenticateAppAsync(PresentedCredentials credentials, CancellationToken cancellationToken = default);
}
