using PushFunctions.Core.Contract;
using PushFunctions.Gateway.Api;
using PushFunctions.Gateway.Queueing;
using PushFunctions.Gateway.Telemetry;

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
            app.MapPost(route, (HttpContext context, CallerAuthenticator authenticator, PingBatcher batcher, PingMetrics metrics, CancellationToken cancellationToken) =>
            {
                context.Response.Headers.Warning = DeprecationWarning;
                return PingAsync(context, authenticator, batcher, metrics, cancellationToken);
            });
        }
    }

    private static async Task<IResult> PingAsync(
        HttpContext context, CallerAuthenticator authenticator, PingBatcher batcher, PingMetrics metrics, CancellationToken cancellationToken)
    {
        using var activity = PingActivities.StartAccept();
        var parameters = await RequestParameterReader.ReadAsync(context.Request, cancellationToken);
        if (parameters.Rejection is { } rejection)
        {
            return Rejected(metrics, activity, PingMetrics.RejectReasons.Unreadable, rejection.ToResult());
        }

        if (authenticator.Authenticate(context.Request, parameters) is null)
        {
            return Rejected(metrics, activity, PingMetrics.RejectReasons.Unauthenticated, CallerAuthenticator.Refusal);
        }

        var parsed = PingRequestParser.Parse(parameters.Values);
        if (parsed.Request is null)
        {
            return Rejected(metrics, activity, PingMetrics.RejectReasons.Invalid, Results.Text(parsed.Error, "text/plain", statusCode: StatusCodes.Status400BadRequest));
        }

        string pingId;
        try
        {
            pingId = await batcher.AcceptAsync(parsed.Request, cancellationToken);
        }
        catch (QueueUnavailableException e)
        {
            activity.Failed("the ping queue is unavailable", e);
            context.Response.Headers.RetryAfter = "5";
            return Rejected(metrics, activity, PingMetrics.RejectReasons.QueueUnavailable,
                Results.Text("The ping queue is unavailable; nothing was accepted. Retry later.", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable));
        }

        metrics.Accepted();
        activity?.SetTag(PingActivities.PingIdAttribute, pingId);
        activity.Ended("accepted");
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.Pragma = "no-cache";
        return Results.Json(new PingAccepted(pingId));
    }

    private static IResult Rejected(PingMetrics metrics, System.Diagnostics.Activity? activity, string reason, IResult answer)
    {
        metrics.Rejected(reason);
        activity.Ended("rejected", reason);
        return answer;
    }
}
