using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PushFunctions.Gateway.Api;
using PushFunctions.Gateway.Console.Sessions;

namespace PushFunctions.Gateway.Console.Pages;

/// <summary>Signs an operator in with an API token; the session cookie then stands in for the token.</summary>
public sealed class SignInModel(ApiTokenValidator tokens, ConsoleSessionCookie sessions) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
        if (!sessions.IsEnabled)
        {
            Refuse(StatusCodes.Status503ServiceUnavailable, "The console is off: set RhoConnect__SessionSecret, which signs its sessions.");
        }
    }

    public IActionResult OnPost([FromForm] string? token)
    {
        if (!sessions.IsEnabled)
        {
            return Refuse(StatusCodes.Status503ServiceUnavailable, "The console is off: set RhoConnect__SessionSecret, which signs its sessions.");
        }

        if (!tokens.IsValid(token))
        {
            return Refuse(StatusCodes.Status401Unauthorized, "That is not a valid API token.");
        }

        sessions.Append(Response);
        return LocalRedirect(ConsoleRoutes.SafeReturn(ReturnUrl));
    }

    private PageResult Refuse(int status, string error)
    {
        Response.StatusCode = status;
        Error = error;
        return Page();
    }
}
