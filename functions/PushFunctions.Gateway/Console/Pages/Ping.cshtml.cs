using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Pings;
using PushFunctions.Gateway.Console.Reading;

namespace PushFunctions.Gateway.Console.Pages;

/// <summary>One ping's status document, readable: state, counts and each device's outcome, a page of devices at a time.</summary>
public sealed class PingModel(PingStatusStore store) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "id")]
    public string Id { get; set; } = string.Empty;

    /// <summary>Where this page of devices begins (the previous page's link); the first page without one.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Continuation { get; set; }

    public PingStatusView? View { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        OutcomeCursor? after = OutcomeCursor.TryParse(Continuation, out var cursor) ? cursor : null;
        if (!PingId.TryParse(Id, out var id) || await store.GetPageAsync(id, after, PingStatusView.DevicesPerPage, cancellationToken) is not { } page)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        View = new PingStatusView(page, FirstPage: after is null);
        return Page();
    }
}
