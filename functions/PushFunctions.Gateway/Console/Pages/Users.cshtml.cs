using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Users;

namespace PushFunctions.Gateway.Console.Pages;

/// <summary>Users: search by the start of the login, page through them, create one.</summary>
public sealed class UsersModel(UserStore users) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public string? PageToken { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Deleted { get; set; }

    public UserPage Found { get; private set; } = new([], null);

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Found = await users.ListPageAsync(Query, PageToken, PageSize, cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync([FromForm] string? login, [FromForm] string? password, CancellationToken cancellationToken)
    {
        login = login?.Trim();
        Error = string.IsNullOrEmpty(login) ? "A login is required."
            : !TableKeys.IsStorable(login) ? $"A login is at most {TableKeys.MaxIdLength} characters."
            : await users.GetAsync(login, cancellationToken) is not null ? $"{login} already exists."
            : null;
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await OnGetAsync(cancellationToken);
            return Page();
        }

        await users.SaveAsync(new UserRecord(login!, string.IsNullOrEmpty(password) ? null : PasswordHasher.Hash(password)), cancellationToken);
        return LocalRedirect(ConsoleLinks.User(login!));
    }
}
