using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PushFunctions.Gateway.Console.Reading;

namespace PushFunctions.Gateway.Console.Pages;

/// <summary>The overview: what /healthz knows about storage, the queue and the channels, and the recent pings.</summary>
public sealed class IndexModel(HealthCheckService health, RecentPings recent) : PageModel
{
    public HealthReport Health { get; private set; } = null!;

    public PingActivity Activity { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Health = await health.CheckHealthAsync(cancellationToken);
        Activity = await PingActivity.ReadAsync(recent, cancellationToken);
    }
}
