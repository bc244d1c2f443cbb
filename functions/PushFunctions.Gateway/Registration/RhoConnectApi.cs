using PushFunctions.Gateway.Api;

namespace PushFunctions.Gateway.Registration;

/// <summary>The common first steps of every RhoConnect API route: read the parameters, then authenticate the caller.</summary>
internal static class RhoConnectApi
{
    public static async Task<(RequestParameters Parameters, Caller? Caller, IResult? Refusal)> BeginAsync(
        HttpRequest request, CallerAuthenticator authenticator, CancellationToken cancellationToken)
    {
        var parameters = await RequestParameterReader.ReadAsync(request, cancellationToken);
        if (parameters.Rejection is { } rejection)
        {
            return (parameters, null, rejection.ToResult());
        }

        // Every RhoConnect API route but the ping accepts a device session; what it may do is checked per route (Caller.MayActFor).
        var caller = authenticator.Authenticate(request, parameters, allowDeviceSession: true);
        return caller is null ? (parameters, null, CallerAuthenticator.Refusal) : (parameters, caller, null);
    }

    /// <summary>For routes that name their user in the path: the refusal (422, or 403 for another user's session), or null to go on.</summary>
    public static async Task<IResult?> BeginForUserAsync(
        HttpRequest request, CallerAuthenticator authenticator, string userId, CancellationToken cancellationToken)
    {
        var (_, caller, refusal) = await BeginAsync(request, authenticator, cancellationToken);
        return refusal ?? (caller!.MayActFor(userId) ? null : Forbidden);
    }

    public static IResult Text(string text, int status = StatusCodes.Status200OK) =>
        Results.Text(text, "text/plain", statusCode: status);

    public static IResult UnknownUser => Text("Unknown user", StatusCodes.Status404NotFound);

    public static IResult UnknownClient => Text("Unknown client", StatusCodes.Status404NotFound);

    public static IResult Forbidden => Text("This session may not act for that user", StatusCodes.Status403Forbidden);

    /// <summary>A device session on a route only a backend may call.</summary>
    public static IResult BackendOnly => Text("This route needs the API token", StatusCodes.Status403Forbidden);
}
