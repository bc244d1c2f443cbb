using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;

namespace PushFunctions.Gateway.Sessions;

/// <summary>
/// The <c>rhoconnect_session</c> cookie of a device that logged in: its login signed by <see cref="SessionSigner"/>
/// with the session secrets (the first signs, every one verifies), valid for the configured session lifetime.
/// </summary>
public sealed class SessionCookie(IOptions<RhoConnectOptions> options, TimeProvider time)
{
    public const string Name = "rhoconnect_session";

    private readonly SessionSigner _signer = new(SessionSigner.SecretsOf(options.Value.SessionSecret), time);

    public bool IsEnabled => _signer.IsEnabled;

    public (string Value, DateTimeOffset Expires) Issue(string login)
    {
        ArgumentNullException.ThrowIfNull(login);
        var expires = time.GetUtcNow() + options.Value.SessionLifetime;
        return (_signer.Issue(login, expires), expires);
    }

    /// <summary>The session's login, or null when the cookie is missing, forged, malformed or expired.</summary>
    public string? Validate(string? cookie) => _signer.Validate(cookie);
}
