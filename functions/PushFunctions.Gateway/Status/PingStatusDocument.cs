using PushFunctions.Core.Delivery;
using PushFunctions.Core.FanOut;
using PushFunctions.Core.Payloads;
using PushFunctions.Core.Status;

namespace PushFunctions.Gateway.Status;

/// <summary>The ping status as GET /rc/v1/pings/{ping_id} answers it, and as the console shows and polls it.</summary>
public static class PingStatusDocument
{
    /// <param name="page">The ping with one page of its devices; the counts are over all of them.</param>
    /// <param name="next">Where the next page of devices is read, or null on the last page.</param>
    public static object From(PingStatusPage page, string? next)
    {
        ArgumentNullException.ThrowIfNull(page);
        var status = page.Status;
        return new
        {
            ping_id = status.PingId,
            state = StateName(status.State),
            accepted_at = status.AcceptedAt,
            users = status.UserCount,
            attempts = status.Attempts,
            error = status.Error,
            counts = new
            {
                sent = page.Counts.Sent,
                skipped = page.Counts.Skipped,
                failed = page.Counts.Failed,
            },
            devices = status.Devices.Select(d => new
            {
                user_id = d.UserId,
                client_id = d.ClientId,
                platform = d.Platform is { } p ? PlatformName(p) : null,
                outcome = OutcomeName(d.Status),
                reason = d.Reason,
                notification_id = d.NotificationId,
            }),
            next,
        };
    }

    public static string StateName(PingState state) => state.ToString().ToLowerInvariant();

    public static string OutcomeName(OutcomeStatus outcome) => outcome.ToString().ToLowerInvariant();

    public static string PlatformName(Platform platform) => PlatformNames.Name(platform);
}
