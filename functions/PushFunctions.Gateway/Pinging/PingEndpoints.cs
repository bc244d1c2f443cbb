using PushFunctions.Core.Contract;
using PushFunctions.Gateway.Api;
using PushFunctions.Gateway.Queueing;

namespace PushFunctions.Gateway.Pinging;

/// <summary>The RhoConnect ping API (spec: rhoconnect-ping.md): validate, queue durably, answer with the ping's id.</summary>
public static class PingEndpoints
{
    public const string Route = "/rc/v1/users/ping";
    public static readonly IReadOnlyList<string> DeprecatedRoutes = ["/api/ping", "/api/client/ping"];
    private const string DeprecationWarning = "299 - \"Deprecated route; use POST /rc/v1/users/ping\"";

    public static void MapPingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, PingAsync);
        foreach (var route in DeprecatedRoutes)
        {
            app.MapPost(route, (HttpContext context, CallerAuthenticator authenticator, PingBatcher batcher, CancellationToken cancellationToken) =>
            {
                context.Response.Headers.Warning = DeprecationWarning;
                return PingAsync(context, authenticator, batcher, cancellationToken);
            });
        }
    }

    private static async Task<IResult> PingAsync(HttpContext context, CallerAuthenticator authenticator, PingBatcher batcher, CancellationToken cancellationToken)
    {
        var parameters = await RequestParameterReader.ReadAsync(context.Request, cancellationToken);
        if (parameters.Rejection is { } rejection)
        {
            return rejection.ToResult();
        }

        if (authenticator.Authenticate(context.Request, parameters) is null)
        {
            return CallerAuthenticator.Refusal;
        }

        var parsed = PingRequestParser.Parse(parameters.Values);
        if (parsed.Request is null)
        {
            return Results.Text(parsed.Error, "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        string pingId;
        try
        {
            pingId = await batcher.AcceptAsync(parsed.Request, cancellationToken);
        }
        catch (QueueUnavailableException)
        {
            context.Response.Headers.RetryAfter = "5";
            return Results.Text("The ping queue is unavailable; nothing was accepted. Retry later.", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.Pragma = "no-cache";
        return Results.Json(new PingAccepted(pingId));
    }
}
