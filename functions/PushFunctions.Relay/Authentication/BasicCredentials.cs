using System.Text;

namespace PushFunctions.Relay.Authentication;

/// <summary>The user and password of an <c>Authorization: Basic</c> header.</summary>
public sealed record BasicCredentials(string User, string Password)
{
    private const string Scheme = "Basic ";

    public static BasicCredentials? Parse(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var encoded = authorization.AsSpan(Scheme.Length).Trim();
        var buffer = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var length))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, true).GetString(buffer, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? null : new BasicCredentials(decoded[..colon], decoded[(colon + 1)..]);
    }

    // The password never appears in logs or exception messages.
    public override string ToString() => $"BasicCredentials {{ User = {User} }}";
}
