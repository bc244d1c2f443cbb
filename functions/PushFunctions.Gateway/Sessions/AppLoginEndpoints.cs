using System.Globalization;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Users;
using PushFunctions.Gateway.Api;

namespace PushFunctions.Gateway.Sessions;

/// <summary>
/// RhoConnect's device login: POST /rc/v1/app/login {"login","password"} checks a built-in user and sets the signed
/// session cookie that the client registration routes accept, so a device can register itself without the API token.
/// </summary>
public static class AppLoginEndpoints
{
    public static void MapAppLoginEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/rc/v1/app/login", LoginAsync);

    private static async Task<IResult> LoginAsync(
        HttpContext context, SessionCookie sessions, UserStore users, LoginThrottle throttle, CancellationToken cancellationToken)
    {
        if (!sessions.IsEnabled)
        {
            return Results.Text("Device sessions are not configured (RhoConnect:SessionSecret).", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var parameters = await RequestParameterReader.ReadAsync(context.Request, cancellationToken);
        if (parameters.Rejection is { } rejection)
        {
            return rejection.ToResult();
        }

        var login = parameters.Text("login");
        var password = parameters.Text("password");
        if (string.IsNullOrEmpty(login) || password is null)
        {
            return Results.Text("login and password are required", "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        using var attempt = await throttle.BeginAsync(login, context.Connection.RemoteIpAddress, cancellationToken);
        if (attempt.RetryAfter is { } retryAfter)
        {
            var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return Results.Text($"Too many failed logins; retry in {seconds} seconds", "text/plain", statusCode: StatusCodes.Status429TooManyRequests);
        }

        // The same work whether the user exists or not: Verify checks against a dummy hash when there is no user.
        var user = await users.GetAsync(login, cancellationToken);
        if (!PasswordHasher.Verify(password, user?.PasswordHash))
        {
            attempt.RecordFailure();
            return Results.Text("Unable to authenticate '" + login + "'", "text/plain", statusCode: StatusCodes.Status401Unauthorized);
        }

        var (value, expires) = sessions.Issue(login);
        context.Response.Cookies.Append(SessionCookie.Name, value, new CookieOptions
        {
            HttpOnly = true,
            Path = "/",
            Expires = expires,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
        });
        return Results.Ok();
    }
}
