using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Azure.Amqp;
using PushFunctions.Testing.Security;

namespace PushFunctions.Testing.ServiceBus;

/// <summary>
/// The <c>$cbs</c> node: AMQP claims-based security as Service Bus runs it. Before attaching a link, the SDK puts a
/// token for the link's endpoint (AmqpConnectionScope.RequestAuthorizationUsingCbsAsync → AmqpCbsLink.SendTokenAsync):
/// a request whose application properties are <c>operation</c>=<c>put-token</c>, <c>type</c> (a SAS token is
/// <c>servicebus.windows.net:sastoken</c>) and <c>name</c> (the audience, e.g. <c>amqp://127.0.0.1/pings</c>), the token
/// in an AmqpValue body. The answer's <c>status-code</c> is 202 when the token is valid for the audience and 401
/// otherwise (the SDK turns that into UnauthorizedAccessException and does not retry). A link attaches only where a
/// token put on its connection grants access.
/// </summary>
internal sealed class ClaimsBasedSecurityNode(string keyName, string key, TimeProvider time) : RequestResponseNode
{
    private readonly ConditionalWeakTable<AmqpConnection, ConcurrentDictionary<string, DateTimeOffset>> _grants = [];
    private int _refusals;

    /// <summary>Tokens refused so far (bad signature, wrong key, expired, wrong audience, not a SAS token).</summary>
    public int Refusals => Volatile.Read(ref _refusals);

    /// <summary>True when a token put on <paramref name="connection"/> grants <paramref name="entityPath"/> and has not expired.</summary>
    public bool Grants(AmqpConnection connection, string entityPath)
    {
        var now = time.GetUtcNow();
        return _grants.TryGetValue(connection, out var grants)
            && grants.Any(grant => grant.Value > now && (grant.Key.Length == 0 || entityPath == grant.Key || entityPath.StartsWith(grant.Key + "/", StringComparison.Ordinal)));
    }

    /// <summary>An audience's entity path: <c>amqp://127.0.0.1/pings/$management</c> → <c>pings/$management</c>.</summary>
    public static string EntityPath(string address)
    {
        var path = Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri.AbsolutePath : address;
        return Uri.UnescapeDataString(path).Trim('/').ToLowerInvariant();
    }

    protected override AmqpMessage Handle(AmqpMessage request, AmqpConnection connection)
    {
        var properties = request.ApplicationProperties.Map;
        if (properties[CbsConstants.Operation] as string != CbsConstants.PutToken.OperationValue)
        {
            return Answer(400, "The $cbs node implements put-token only.");
        }

        if (properties[CbsConstants.PutToken.Type] as string != CbsConstants.ServiceBusSasTokenType)
        {
            // Entra ID tokens (type "jwt") need Entra ID to check them, which cannot run here.
            return Refuse("InvalidToken: this namespace accepts shared access signatures only.");
        }

        if (properties[CbsConstants.PutToken.Audience] is not string audience || request.ValueBody?.Value is not string token)
        {
            return Answer(400, "A put-token request names its audience and carries the token as its body.");
        }

        if (SasTokenCheck.Reject(token, audience, keyName, key, time.GetUtcNow()) is { } rejection)
        {
            return Refuse(rejection);
        }

        _grants.GetOrCreateValue(connection)[EntityPath(audience)] = SasTokenCheck.ExpiresOn(token);
        return Answer(202, "Accepted");
    }

    private static AmqpMessage Answer(int status, string description) =>
        Response(CbsConstants.PutToken.StatusCode, status, CbsConstants.PutToken.StatusDescription, description);

    private AmqpMessage Refuse(string rejection)
    {
        Interlocked.Increment(ref _refusals);
        return Answer(401, rejection);
    }
}
