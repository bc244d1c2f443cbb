using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Contract;
using PushFunctions.Core.Pings;
using PushFunctions.Core.Status;
using PushFunctions.Gateway.Console.Reading;
using PushFunctions.Gateway.Queueing;

namespace PushFunctions.Gateway.Console.Pages;

/// <summary>
/// A test push: the ping contract's fields, checked by the same parser and queued by the same batcher as
/// POST /rc/v1/users/ping; then the ping's status, which the page's script keeps up to date.
/// </summary>
public sealed class PushModel(PingBatcher batcher, PingStatusStore store) : PageModel
{
    private static readonly char[] UserSeparators = [',', ' ', '\n', '\r', '\t'];

    [BindProperty(SupportsGet = true)]
    public string? Users { get; set; }

    [BindProperty]
    public string? Message { get; set; }

    [BindProperty]
    public string? Sources { get; set; }

    [BindProperty]
    public string? Badge { get; set; }

    [BindProperty]
    public string? Sound { get; set; }

    [BindProperty]
    public string? Vibrate { get; set; }

    [BindProperty(SupportsGet = true, Name = "ping")]
    public string? WatchedPing { get; set; }

    public PingStatusPage? Status { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (PingId.TryParse(WatchedPing, out var id))
        {
            Status = await store.GetPageAsync(id, after: null, PingStatusView.DevicesPerPage, cancellationToken);
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var parsed = PingRequestParser.Parse(Parameters());
        if (parsed.Request is null)
        {
            return Refuse(StatusCodes.Status400BadRequest, parsed.Error!);
        }

        string pingId;
        try
        {
            pingId = await batcher.AcceptAsync(parsed.Request, cancellationToken);
        }
        catch (QueueUnavailableException)
        {
            Response.Headers.RetryAfter = "5";
            return Refuse(StatusCodes.Status503ServiceUnavailable, "The ping queue is unavailable; nothing was sent. Try again shortly.");
        }

        return LocalRedirect($"{ConsoleRoutes.Root}/push?ping={pingId}&users={Uri.EscapeDataString(Users ?? string.Empty)}");
    }

    /// <summary>The form as ping parameters: several users, and only the fields that were filled in.</summary>
    private Dictionary<string, ParameterValue> Parameters()
    {
        var parameters = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
        var users = (Users ?? string.Empty).Split(UserSeparators, StringSplitOptions.RemoveEmptyEntries);
        if (users.Length > 0)
        {
            parameters["user_id"] = ParameterValue.FromList(users.Select(ParameterValue.FromText).ToList());
        }

        foreach (var (name, value) in (ReadOnlySpan<(string, string?)>)[("message", Message), ("sources", Sources), ("badge", Badge?.Trim()), ("sound", Sound), ("vibrate", Vibrate)])
        {
            if (!string.IsNullOrEmpty(value))
            {
                parameters[name] = ParameterValue.FromText(value);
            }
        }

        return parameters;
    }

    private PageResult Refuse(int status, string error)
    {
        Response.StatusCode = status;
        Error = error;
        return Page();
    }
}
