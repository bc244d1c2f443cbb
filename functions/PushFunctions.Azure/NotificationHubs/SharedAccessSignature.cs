using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PushFunctions.Azure.NotificationHubs;

/// <summary>
/// Service Bus / Notification Hubs shared access signatures: the resource URI lower-cased and URL-encoded (the
/// encoding lower-cased too), HMAC-SHA256 with the key's UTF-8 bytes over <c>{encoded resource}\n{expiry}</c>,
/// expiry in Unix seconds.
/// </summary>
public static class SharedAccessSignature
{
    /// <summary>The <c>sr</c> value for a resource: its URI lower-cased, URL-encoded, lower-cased again.</summary>
    public static string EncodeResource(Uri resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var text = resource.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return Uri.EscapeDataString(text.ToLowerInvariant()).ToLowerInvariant();
    }

    /// <summary>The Authorization header value: <c>SharedAccessSignature sr=..&amp;sig=..&amp;se=..&amp;skn=..</c>.</summary>
    public static string Create(Uri resource, string keyName, string key, DateTimeOffset expiresOn)
    {
        ArgumentNullException.ThrowIfNull(keyName);
        ArgumentNullException.ThrowIfNull(key);
        var encodedResource = EncodeResource(resource);
        var expiry = expiresOn.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(encodedResource + "\n" + expiry));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"SharedAccessSignature sr={encodedResource}&sig={Uri.EscapeDataString(Convert.ToBase64String(signature))}&se={expiry}&skn={Uri.EscapeDataString(keyName)}");
    }
}
