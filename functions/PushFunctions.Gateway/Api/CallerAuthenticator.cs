namespace PushFunctions.Gateway.Api;

/// <summary>
/// Authenticates RhoConnect API calls: the API token from the <c>X-RhoConnect-API-TOKEN</c> header, else the
/// <c>api_token</c> parameter (JSON body, form body or query). A missing or unknown token is RhoConnect's 422
/// "No API token provided", kept because backends match on it.
/// </summary>
public sealed class CallerAuthenticator(ApiTokenValidator tokens)
{
    public const string TokenHeader = "X-RhoConnect-API-TOKEN";
    public const string TokenParameter = "api_token";

    public static IResult Refusal { get; } =
        Results.Text("No API token provided", "text/plain", statusCode: StatusCodes.Status422UnprocessableEntity);

    public Caller? Authenticate(HttpRequest request, RequestParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(parameters);
        var token = request.Headers[TokenHeader].FirstOrDefault(t => !string.IsNullOrEmpty(t)) ?? parameters.Text(TokenParameter);
        return tokens.IsValid(token) ? Caller.Backend : null;
    }
}
