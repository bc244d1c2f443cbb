using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PushFunctions.Testing.ServiceBus;

/// <summary>
/// Compact HS256 JSON Web Tokens signed with a key only the tests know: what Entra ID issues (aud, exp, nbf), without
/// Entra ID. Enough for a local server to refuse the tokens the real service refuses.
/// </summary>
public static class TestJwt
{
    public static string Create(byte[] signingKey, string audience, DateTimeOffset expiresOn, DateTimeOffset? notBefore = null)
    {
        var header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["iss"] = "https://sts.windows.net/00000000-0000-0000-0000-000000000000/",
            ["nbf"] = (notBefore ?? expiresOn.AddHours(-1)).ToUnixTimeSeconds(),
            ["exp"] = expiresOn.ToUnixTimeSeconds(),
        }));
        return $"{header}.{payload}.{Sign(signingKey, header, payload)}";
    }

    /// <summary>The token's claims when it is well formed and signed with <paramref name="signingKey"/>; null otherwise.</summary>
    public static JsonElement? ReadVerified(byte[] signingKey, string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || !CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(Sign(signingKey, parts[0], parts[1])), Encoding.ASCII.GetBytes(parts[2])))
        {
            return null;
        }

        try
        {
            using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
            if (header.RootElement.GetProperty("alg").GetString() != "HS256")
            {
                return null;
            }

            using var payload = JsonDocument.Parse(FromBase64Url(parts[1]));
            return payload.RootElement.Clone();
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Sign(byte[] key, string header, string payload) =>
        Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(header + "." + payload)));

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
