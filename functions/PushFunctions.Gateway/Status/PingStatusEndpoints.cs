using PushFunctions.Azure.Stores;
using PushFunctions.Core.Pings;
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

        return Results.Json(PingStatusDocument.From(status));
    }
}
