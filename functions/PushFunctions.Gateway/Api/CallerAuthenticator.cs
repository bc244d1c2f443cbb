using PushFunctions.Gateway.Sessions;

namespace PushFunctions.Gateway.Api;

/// <summary>
/// Authenticates RhoConnect API calls: the API token from the <c>X-RhoConnect-API-TOKEN</c> header, else the
/// <c>api_token</c> parameter (JSON body, form body or query); on the routes that allow it, else a device session
/// cookie. Neither is RhoConnect's 422 "No API token provided", kept because backends match on it.
/// </summary>
public sealed class CallerAuthenticator(ApiTokenValidator tokens, SessionCookie sessions)
{
    public const string TokenHeader = "X-RhoConnect-API-TOKEN";
    public const string TokenParameter = "api_token";

    public static IResult Refusal { get; } =
        Results.Text("No API token provided", "text/plain", statusCode: StatusCodes.Status422UnprocessableEntity);

    public Caller? Authenticate(HttpRequest request, RequestParameters parameters, bool allowDeviceSession = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(parameters);
        var token = request.Headers[TokenHeader].FirstOrDefault(t => !string.IsNullOrEmpty(t)) ?? parameters.Text(TokenParameter);
        if (tokens.IsValid(token))
        {
            return Caller.Backend;
        }

        return allowDeviceSession && sessions.Validate(request.Cookies[SessionCookie.Name]) is { } user ? new Caller(false, user) : null;
    }
}
