using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Registrations;
using PushFunctions.Gateway.Console.Reading;

namespace PushFunctions.Gateway.Console.Pages;

/// <summary>One user: its clients with every device field (handles included: operators need them), unregister or delete them, delete the user.</summary>
public sealed class UserModel(UserStore users, RegistrationStore registrations, RecentPings recent) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Login { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public bool Exists { get; private set; }

    public bool HasPassword { get; private set; }

    public IReadOnlyList<ClientView> Clients { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(Login, cancellationToken);
        if (user is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        Exists = true;
        HasPassword = user.PasswordHash is not null;
        Clients = await ClientViews.BuildAsync(await registrations.GetUserDevicesAsync(Login, cancellationToken), recent, cancellationToken);
        return Page();
    }

    /// <summary>Clears the client's device fields, as a client that never registered: the fan-out skips it as "not registered".</summary>
    public async Task<IActionResult> OnPostUnregisterAsync([FromForm] string clientId, CancellationToken cancellationToken)
    {
        if (await registrations.FindUserAsync(clientId, cancellationToken) != Login)
        {
            return NotFound();
        }

        await registrations.RegisterAsync(clientId, userId: null, DeviceFields.All.ToDictionary(field => field, _ => string.Empty, StringComparer.Ordinal), cancellationToken);
        return LocalRedirect(ConsoleLinks.User(Login) + "?done=unregistered");
    }

    public async Task<IActionResult> OnPostDeleteClientAsync([FromForm] string clientId, CancellationToken cancellationToken) =>
        await registrations.DeleteAsync(Login, clientId, cancellationToken)
            ? LocalRedirect(ConsoleLinks.User(Login) + "?done=deleted")
            : NotFound();

    public async Task<IActionResult> OnPostDeleteUserAsync(CancellationToken cancellationToken) =>
        await users.DeleteAsync(Login, registrations, cancellationToken)
            ? LocalRedirect("/console/users?deleted=" + Uri.EscapeDataString(Login))
            : NotFound();
}
