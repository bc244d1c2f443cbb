using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace PushFunctions.Gateway.Sessions;

/// <summary>
/// Signed session values: "{subject, base64url}.{expiry, unix seconds}.{HMAC-SHA256}". Stateless, so any gateway
/// instance accepts what another issued; a value cannot be forged without a key or used after it expires.
/// The first key signs; every key verifies, so a secret can be rotated without signing everyone out.
/// </summary>
public sealed class SessionSigner(IReadOnlyList<byte[]> keys, TimeProvider time)
{
    public bool IsEnabled => keys.Count > 0;

    /// <summary>The secrets of a comma-separated setting, first the one that signs.</summary>
    public static IReadOnlyList<byte[]> SecretsOf(string setting) =>
        (setting ?? string.Empty)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(Encoding.UTF8.GetBytes)
            .ToArray();

    public string Issue(string subject, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var payload = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(subject)) + "." + expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return payload + "." + Sign(keys[0], payload);
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
        var presented = Encoding.ASCII.GetBytes(value[(lastDot + 1)..]);
        var signed = false;
        foreach (var key in keys)
        {
            // No early exit: every key is tried, so the time taken does not tell which one matched.
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
