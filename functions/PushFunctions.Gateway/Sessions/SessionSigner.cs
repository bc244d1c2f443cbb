using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace PushFunctions.Gateway.Sessions;

/// <summary>
/// Signed session values: "{subject, base64url}.{expiry, unix seconds}.{HMAC-SHA256}". Stateless, so any gateway
/// instance accepts what another issued; a value cannot be forged without the key or used after it expires.
/// </summary>
public sealed class SessionSigner(byte[] key, TimeProvider time)
{
    public bool IsEnabled => key.Length > 0;

    public string Issue(string subject, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var payload = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(subject)) + "." + expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return payload + "." + Sign(payload);
    }

    /// <summary>The value's subject, or null when it is missing, forged, malformed or expired.</summary>
    public string? Validate(string? value)
    {
        if (!IsEnabled || string.IsNullOrEmpty(value))
        {
            return null;
        }

        var lastDot = value.LastIndexOf('.');
        if (lastDot <= 0)
        {
            return null;
        }

        var payload = value[..lastDot];
        var expected = Encoding.ASCII.GetBytes(Sign(payload));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(value[(lastDot + 1)..])))
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

    private string Sign(string payload) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload)));
}
