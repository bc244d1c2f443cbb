using Microsoft.AspNetCore.Http;
using PushFunctions.Relay.Authentication;

namespace PushFunctions.Relay.Endpoints;

internal static class DeviceAuthentication
{
    /// <summary>Returns the accepted user, or sets 401 (refused) or 503 (authenticator unreachable) and returns null.</summary>
    public static string? Answer(HttpContext context, AuthenticationResult result)
    {
        switch (result.Status)
        {
            case AuthenticationStatus.Accepted:
                return result.User;
            case AuthenticationStatus.Unavailable:
                Answers.Status(context, StatusCodes.Status503ServiceUnavailable);
                return null;
            default:
                Answers.Status(context, StatusCodes.Status401Unauthorized);
                return null;
        }
    }
}
