using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;

namespace PushFunctions.Gateway.Sessions;

/// <summary>
/// The <c>rhoconnect_session</c> cookie of a device that logged in: "{login, base64url}.{expiry, unix seconds}.{HMAC-SHA256}".
/// Stateless, so any gateway instance accepts it; it cannot be forged without the secret or used after it expires.
/// The first configured secret signs; every configured one verifies, so a secret can be rotated without logging devices out.
/// </summary>
public sealed class SessionCookie(IOptions<RhoConnectOptions> options, TimeProvider time)
{
    public const string Name = "rhoconnect_session";

    private readonly byte[][] _keys = options.Value.SessionSecret
        .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(Encoding.UTF8.GetBytes)
        .ToArray();

    public bool IsEnabled => _keys.Length > 0;

    public (string Value, DateTimeOffset Expires) Issue(string login)
    {
        ArgumentNullException.ThrowIfNull(login);
        var expires = time.GetUtcNow() + options.Value.SessionLifetime;
        var payload = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(login)) + "." + expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return (payload + "." + Sign(_keys[0], payload), expires);
    }

    /// <summary>The session's login, or null when the cookie is missing, forged, malformed or expired.</summary>
    public string? Validate(string? cookie)
    {
        if (!IsEnabled || string.IsNullOrEmpty(cookie))
        {
            return null;
        }

        var lastDot = cookie.LastIndexOf('.');
        if (lastDot <= 0)
        {
            return null;
        }

        var payload = cookie[..lastDot];
        var presented = Encoding.ASCII.GetBytes(cookie[(lastDot + 1)..]);
        var signed = false;
        foreach (var key in _keys)
        {
            // No early exit: every configured secret is tried.
            signed |= CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(key, payload)), presented);
        }

        if (!signed)
        {
            return null;
        }

        var parts = payload.Split('.');
        if (parts.Length != 2
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)
            || DateTimeOffset.FromUnixTimeSeconds(expiry) <= time.GetUtcNow())
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(parts[0]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Sign(byte[] key, string payload) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload)));
}
