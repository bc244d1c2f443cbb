using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PushFunctions.Gateway.Console.Sessions;

namespace PushFunctions.Gateway.Console.Pages;

/// <summary>Ends the console session (a form post, so another site cannot sign an operator out).</summary>
public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => LocalRedirect(ConsoleRoutes.Root);

    public IActionResult OnPost()
    {
        ConsoleSessionCookie.Delete(Response);
        return LocalRedirect(ConsoleRoutes.SignIn);
    }
}
