using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace PushFunctions.Gateway.Console.Sessions;

/// <summary>
/// Authenticates console requests by their session cookie. Without one, pages send the browser to sign in and the
/// console's data endpoints answer 401.
/// </summary>
public sealed class ConsoleSessionHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ConsoleSessionCookie sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ConsoleSession";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!sessions.IsSignedIn(Request))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, ConsoleSessionCookie.Subject)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Request.Path.StartsWithSegments(ConsoleRoutes.Api))
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        Response.Redirect(ConsoleRoutes.SignIn + QueryString.Create("returnUrl", Request.Path + Request.QueryString));
        return Task.CompletedTask;
    }
}
