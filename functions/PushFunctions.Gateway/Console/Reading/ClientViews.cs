using PushFunctions.Core.Delivery;
using PushFunctions.Core.FanOut;

namespace PushFunctions.Gateway.Console.Reading;

/// <summary>
/// Builds the user's page's clients. The platform comes from the fan-out planner itself, so the page shows exactly what
/// the next ping would do. Last outcomes come from the recent pings' recorded outcomes, read back until every client
/// has one or the scan's bounds are reached.
/// </summary>
public static class ClientViews
{
    public static readonly TimeSpan OutcomesPeriod = TimeSpan.FromDays(1);
    public const int MaxPingsScanned = 2_000;

    public static async Task<IReadOnlyList<ClientView>> BuildAsync(UserDevices user, RecentPings recent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(recent);
        var plan = FanOutPlanner.Plan([user]);
        var latest = new Dictionary<string, (DeviceOutcome Outcome, string PingId)>(StringComparer.Ordinal);
        var wanted = user.Clients.Select(c => c.ClientId).ToHashSet(StringComparer.Ordinal);
        var scanned = 0;
        if (wanted.Count > 0)
        {
            await foreach (var ping in recent.ReadBackAsync(recent.Now - OutcomesPeriod, cancellationToken: cancellationToken))
            {
                foreach (var outcome in ping.Devices.Where(d => d.ClientId is not null && wanted.Contains(d.ClientId)))
                {
                    latest.TryAdd(outcome.ClientId!, (outcome, ping.PingId));
                }

                if (latest.Count == wanted.Count || ++scanned >= MaxPingsScanned)
                {
                    break;
                }
            }
        }

        return user.Clients.Select(client =>
        {
            var target = plan.Targets.FirstOrDefault(t => t.Client.ClientId == client.ClientId);
            var skipped = plan.Skipped.FirstOrDefault(s => s.ClientId == client.ClientId);
            var last = latest.TryGetValue(client.ClientId, out var found) ? found : default;
            return new ClientView(client, target?.Platform ?? skipped?.Platform, skipped?.Reason, last.Outcome, last.PingId);
        }).ToList();
    }
}
