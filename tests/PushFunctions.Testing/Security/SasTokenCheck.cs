using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PushFunctions.Testing.Security;

/// <summary>
/// The local servers' own reading of a Service Bus / Notification Hubs shared access signature, written from the
/// documented rules rather than shared with a client, so a client bug cannot be mirrored here: known key name, not
/// expired, audience a prefix of the requested resource, HMAC-SHA256 of <c>{sr as sent}\n{se}</c> under the key's UTF-8
/// bytes. Audience and resource are compared without their scheme: a namespace is the same one over sb://, amqps://
/// and https:// (the Service Bus SDK signs <c>amqps://{namespace}/</c> and asks for <c>amqp://{namespace}/{entity}</c>
/// when it talks to an emulator without TLS).
/// </summary>
internal static class SasTokenCheck
{
    private const string Scheme = "SharedAccessSignature ";

    /// <summary>Null when the token grants access to <paramref name="resource"/>; otherwise why not (the detail of the refusal).</summary>
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

        var audience = WithoutScheme(Uri.UnescapeDataString(sr)).TrimEnd('/');
        var requested = WithoutScheme(resource);
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

    /// <summary>When a token that <see cref="Reject"/> accepted stops granting access (its <c>se</c>).</summary>
    public static DateTimeOffset ExpiresOn(string authorization)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var se = authorization[Scheme.Length..].Split('&').Single(pair => pair.StartsWith("se=", StringComparison.Ordinal))["se=".Length..];
        return DateTimeOffset.FromUnixTimeSeconds(long.Parse(se, NumberStyles.None, CultureInfo.InvariantCulture));
    }

    private static string WithoutScheme(string uri)
    {
        var separator = uri.IndexOf("://", StringComparison.Ordinal);
        return (separator < 0 ? uri : uri[(separator + 3)..]).ToLowerInvariant();
    }
}
