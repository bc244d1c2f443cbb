using Azure.Core;
using Azure.Core.Pipeline;

namespace PushFunctions.Azure.NotificationHubs;

/// <summary>
/// Signs every try with a SAS token for the hub, reusing one token until shortly before it expires so a busy
/// sender does not compute an HMAC per request.
/// </summary>
internal sealed class SharedAccessSignaturePolicy(
    Uri resource, string keyName, string key, TimeSpan lifetime, TimeProvider time) : HttpPipelineSynchronousPolicy
{
    /// <summary>A token is replaced this long before it expires, so clock skew and slow requests never present an expired one.</summary>
    private static readonly TimeSpan RenewalMargin = TimeSpan.FromMinutes(5);

    private SharedAccessToken? _token;

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, CurrentToken());
    }

    internal string CurrentToken()
    {
        var now = time.GetUtcNow();
        var token = _token;
        if (token is null || now >= token.RenewAfter)
        {
            var expiresOn = now + lifetime;
            var margin = lifetime > RenewalMargin * 2 ? RenewalMargin : lifetime / 2;
            token = new SharedAccessToken(SharedAccessSignature.Create(resource, keyName, key, expiresOn), expiresOn - margin);
            // Racing renewals produce equally valid tokens; whichever is stored last wins.
            _token = token;
        }

        return token.Value;
    }
}
