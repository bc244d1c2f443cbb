using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace PushFunctions.Relay.Authentication;

/// <summary>
/// Asks an existing RhoConnect server (its <c>rps_login</c> endpoints) whether the caller's credentials are good,
/// forwarding the caller's Authorization and Cookie headers unchanged; only 204 means yes.
/// </summary>
public sealed partial class DelegateDeviceAuthenticator(
    HttpClient httpClient,
    Uri deviceLoginUrl,
    Uri appLoginUrl,
    AcceptanceCache cache,
    ILogger<DelegateDeviceAuthenticator> logger) : IDeviceAuthenticator
{
    public ValueTask<AuthenticationResult> AuthenticateDeviceAsync(PresentedCredentials credentials, CancellationToken cancellationToken = default) =>
        AskAsync(deviceLoginUrl, credentials, cancellationToken);

    public ValueTask<AuthenticationResult> AuthenticateAppAsync(PresentedCredentials credentials, CancellationToken cancellationToken = default) =>
        AskAsync(appLoginUrl, credentials, cancellationToken);

    private async ValueTask<AuthenticationResult> AskAsync(Uri endpoint, PresentedCredentials credentials, CancellationToken cancellationToken)
    {
        if (credentials.IsEmpty)
        {
            return AuthenticationResult.Rejected;
        }

        var user = credentials.Basic?.User ?? "";
        var key = AcceptanceCache.KeyFor(endpoint, credentials);
        if (cache.Contains(key))
        {
            return AuthenticationResult.Accept(user);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        if (credentials.Authorization is not null)
        {
            request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, credentials.Authorization);
        }

        if (credentials.Cookie is not null)
        {
            request.Headers.TryAddWithoutValidation(HeaderNames.Cookie, credentials.Cookie);
        }

        try
        {
            using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                cache.Add(key);
                return AuthenticationResult.Accept(user);
            }

            if ((int)response.StatusCode >= 500)
            {
                LogDelegateFailed(logger, endpoint, (int)response.StatusCode);
                return AuthenticationResult.Unavailable;
            }

            return AuthenticationResult.Rejected;
        }
        catch (HttpRequestException exception)
        {
            LogDelegateUnreachable(logger, endpoint, exception.Message);
            return AuthenticationResult.Unavailable;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogDelegateUnreachable(logger, endpoint, "timed out");
            return AuthenticationResult.Unavailable;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delegate authenticator {Endpoint} answered {Status}")]
    private static partial void LogDelegateFailed(ILogger logger, Uri endpoint, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delegate authenticator {Endpoint} unreachable: {Reason}")]
    private static partial void LogDelegateUnreachable(ILogger logger, Uri endpoint, string reason);
}
