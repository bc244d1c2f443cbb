using Azure.Core;

namespace PushFunctions.IntegrationTests.Configuration;

/// <summary>A token credential that hands out one fixed token and remembers the scopes it was asked for.</summary>
internal sealed class RecordingCredential(string token) : TokenCredential
{
    public IReadOnlyList<string> Scopes { get; private set; } = [];

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Scopes = requestContext.Scopes;
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
