using PushFunctions.Azure.Stores;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;
using PushFunctions.Core.Pings;
using PushFunctions.Core.Status;
using PushFunctions.Gateway.Api;
using PushFunctions.Gateway.Registration;

namespace PushFunctions.Gateway.Status;

/// <summary>GET /rc/v1/pings/{ping_id}: the ping's state, counts and every candidate device's outcome.</summary>
public static class PingStatusEndpoints
{
    public static void MapPingStatusEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/rc/v1/pings/{ping_id}", GetAsync);

    private static async Task<IResult> GetAsync(
        string ping_id, HttpRequest request, CallerAuthenticator authenticator, PingStatusStore store, CancellationToken cancellationToken)
    {
        var (_, caller, refusal) = await RhoConnectApi.BeginAsync(request, authenticator, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!caller!.HasApiToken)
        {
            return RhoConnectApi.BackendOnly;
        }

        if (!PingId.TryParse(ping_id, out var id) || await store.GetAsync(id, cancellationToken) is not { } status)
        {
            return RhoConnectApi.Text("Unknown ping", StatusCodes.Status404NotFound);
        }

        return Results.Json(new
        {
            ping_id = status.PingId,
            state = status.State.ToString().ToLowerInvariant(),
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
                outcome = d.Status.ToString().ToLowerInvariant(),
                reason = d.Reason,
                notification_id = d.NotificationId,
            }),
        });
    }

    private static string PlatformName(Platform platform) => platform switch
    {
        Platform.Apple => "apple",
        Platform.Fcm => "fcm",
        Platform.Wns => "wns",
        _ => "rhoconnect_push",
    };
}
