using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PushFunctions.Testing.NotificationHubs;

/// <summary>
/// The local hub's own reading of a SAS Authorization header, written from the documented rules rather than shared
/// with the client, so a client bug cannot be mirrored here: known key name, not expired, audience a prefix of the
/// requested resource, HMAC-SHA256 of <c>{sr as sent}\n{se}</c> under the key's UTF-8 bytes.
/// </summary>
internal static class SasTokenCheck
{
    private const string Scheme = "SharedAccessSignature ";

    /// <summary>Null when the token grants access to <paramref name="resource"/>; otherwise why not (the 401 detail).</summary>
    public static string? Reject(string? authorization, string resource, string keyName, string key, DateTimeOffset now)
    {
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return "MissingToken: the Authorization header is not a SharedAccessSignature.";
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in authorization[Scheme.Length..].Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !fields.TryAdd(pair[..equals], pair[(equals + 1)..]))
            {
                return "MalformedToken: the token is not a list of distinct name=value fields.";
            }
        }

        if (!fields.TryGetValue("sr", out var sr) || !fields.TryGetValue("sig", out var sig)
            || !fields.TryGetValue("se", out var se) || !fields.TryGetValue("skn", out var skn))
        {
            return "MalformedToken: the token lacks one of sr, sig, se, skn.";
        }

        if (Uri.UnescapeDataString(skn) != keyName)
        {
            return "UnknownKeyName: the token names a key this namespace does not have.";
        }

        if (!long.TryParse(se, NumberStyles.None, CultureInfo.InvariantCulture, out var expiry) || DateTimeOffset.FromUnixTimeSeconds(expiry) <= now)
        {
            return "ExpiredToken: the token has expired.";
        }

        var audience = Uri.UnescapeDataString(sr).ToLowerInvariant().TrimEnd('/');
        var requested = resource.ToLowerInvariant();
        if (requested != audience && !requested.StartsWith(audience + "/", StringComparison.Ordinal))
        {
            return "InvalidAudience: the token was signed for another resource.";
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(sr + "\n" + se));
        byte[] presented;
        try
        {
            presented = Convert.FromBase64String(Uri.UnescapeDataString(sig));
        }
        catch (FormatException)
        {
            return "InvalidSignature: the signature is not base64.";
        }

        return CryptographicOperations.FixedTimeEquals(expected, presented) ? null : "InvalidSignature: the signature does not match.";
    }
}
