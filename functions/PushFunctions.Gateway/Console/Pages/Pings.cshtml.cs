using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PushFunctions.Core.Pings;
using PushFunctions.Core.Status;
using PushFunctions.Gateway.Console.Reading;

namespace PushFunctions.Gateway.Console.Pages;

/// <summary>Recent pings, newest first, a page at a time (the cursor is the last ping shown).</summary>
public sealed class PingsModel(RecentPings recent) : PageModel
{
    public const int PageSize = 25;

    /// <summary>As far back as the list goes: the ping status retention.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromDays(7);

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public IReadOnlyList<PingStatus> Pings { get; private set; } = [];

    public bool HasMore { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PingId? after = PingId.TryParse(After, out var cursor) ? cursor : null;
        var pings = new List<PingStatus>();
        await foreach (var ping in recent.ReadBackAsync(recent.Now - Period, after, cancellationToken))
        {
            if (pings.Count == PageSize)
            {
                HasMore = true;
                break;
            }

            pings.Add(ping);
        }

        Pings = pings;
    }
}
