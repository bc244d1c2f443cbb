using PushFunctions.Core.Delivery;
using PushFunctions.Core.FanOut;
using PushFunctions.Core.Payloads;
using PushFunctions.Core.Status;

namespace PushFunctions.Gateway.Status;

/// <summary>The ping status as GET /rc/v1/pings/{ping_id} answers it, and as the console shows and polls it.</summary>
public static class PingStatusDocument
{
    public static object From(PingStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
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
                sent = status.Count(OutcomeStatus.Sent),
                skipped = status.Count(OutcomeStatus.Skipped),
                failed = status.Count(OutcomeStatus.Failed),
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
        };
    }

    public static string StateName(PingState state) => state.ToString().ToLowerInvariant();

    public static string OutcomeName(OutcomeStatus outcome) => outcome.ToString().ToLowerInvariant();

    public static string PlatformName(Platform platform) => PlatformNames.Name(platform);
}
