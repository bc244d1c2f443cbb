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

    [BindProperty(SupportsGet = true)]
    public int Skip { get; set; }

    public PingStatusView? View { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!PingId.TryParse(Id, out var id) || await store.GetAsync(id, cancellationToken) is not { } status)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        View = new PingStatusView(status, Live: status.Devices.Count <= PingStatusView.DevicesPerPage, Skip: Math.Max(0, Skip));
        return Page();
    }
}
