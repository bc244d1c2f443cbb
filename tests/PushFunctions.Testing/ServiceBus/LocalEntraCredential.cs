using Azure.Core;

namespace PushFunctions.Testing.ServiceBus;

/// <summary>
/// A TokenCredential that behaves like Entra ID for one test: the token's audience is the requested scope's resource
/// (scope without "/.default"), signed with the local server's key. <see cref="AudienceOverride"/> and
/// <see cref="Lifetime"/> produce the wrong-audience and expired tokens the service must refuse.
/// </summary>
public sealed class LocalEntraCredential(byte[] signingKey) : TokenCredential
{
    private int _tokensIssued;

    public string? AudienceOverride { get; init; }

    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The scopes of the last request, to check what the client asked for.</summary>
    public IReadOnlyList<string> LastScopes { get; private set; } = [];

    public int TokensIssued => _tokensIssued;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        LastScopes = requestContext.Scopes;
        Interlocked.Increment(ref _tokensIssued);
        var audience = AudienceOverride ?? requestContext.Scopes.Single().Replace("/.default", string.Empty, StringComparison.Ordinal);
        var expiresOn = DateTimeOffset.UtcNow + Lifetime;
        // An already-expired token is handed over as if valid: the point is that the service, not the client, refuses it.
        return new AccessToken(TestJwt.Create(signingKey, audience, expiresOn), Lifetime > TimeSpan.Zero ? expiresOn : DateTimeOffset.UtcNow.AddMinutes(30));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
