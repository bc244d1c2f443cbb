using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PushFunctions.Azure.ServiceBus;

/// <summary>
/// Signs each try with a Service Bus SAS token for one entity (a queue or topic URI):
/// <c>SharedAccessSignature sr={url-encoded resource}&amp;sig={url-encoded base64 HMAC-SHA256 of "resource\nexpiry"}&amp;se={expiry}&amp;skn={key name}</c>.
/// A token lasts an hour and is renewed five minutes before it expires.
/// </summary>
internal sealed class ServiceBusSharedAccessSignaturePolicy : HttpPipelineSynchronousPolicy
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private readonly AzureNamedKeyCredential _credential;
    private readonly string _resource;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private (string Token, DateTimeOffset ExpiresOn)? _current;

    public ServiceBusSharedAccessSignaturePolicy(AzureNamedKeyCredential credential, Uri resource, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(resource);
        _credential = credential;
        _resource = resource.AbsoluteUri;
        _time = time ?? TimeProvider.System;
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, CurrentToken());
    }

    /// <summary>A token for <paramref name="resource"/> valid until <paramref name="expiresOn"/> (whole Unix seconds).</summary>
    public static string CreateToken(string resource, string keyName, string key, DateTimeOffset expiresOn)
    {
        var encodedResource = WebUtility.UrlEncode(resource);
        var expiry = expiresOn.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(encodedResource + "\n" + expiry)));
        return $"SharedAccessSignature sr={encodedResource}&sig={WebUtility.UrlEncode(signature)}&se={expiry}&skn={WebUtility.UrlEncode(keyName)}";
    }

    private string CurrentToken()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_current is not { } current || current.ExpiresOn - now < RenewBefore)
            {
                // Key rotation through AzureNamedKeyCredential.Update takes effect with the next token.
                var (name, key) = _credential;
                var expiresOn = now + Lifetime;
                current = (CreateToken(_resource, name, key, expiresOn), expiresOn);
                _current = current;
            }

            return current.Token;
        }
    }
}
