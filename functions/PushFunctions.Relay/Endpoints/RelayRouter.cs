using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PushFunctions.Relay.Endpoints;

/// <summary>
/// Maps the protocol's few paths by segment count and method. Anything else (wrong method, wrong number of segments,
/// empty segments such as <c>/instanceId/</c>, unknown paths, a query on <c>/instanceId</c>) is 403, as in the original.
/// <c>GET /healthz</c> is the one addition.
/// </summary>
public sealed partial class RelayRouter(
    InstanceEndpoints instances,
    RegistrationEndpoints registrations,
    NextMessageEndpoint nextMessage,
    MessageQueueEndpoint messageQueue,
    ILogger<RelayRouter> logger)
{
    public async Task RouteAsync(HttpContext context)
    {
        var request = context.Request;
        var segments = (request.Path.Value ?? "").Split('/');
        if (segments.Length < 2 || segments[0].Length != 0 || segments.Skip(1).Any(segment => segment.Length == 0))
        {
            Answers.Status(context, StatusCodes.Status403Forbidden);
            return;
        }

        var handler = (segments[1], segments.Length - 1, request.Method) switch
        {
            ("instanceId", 1, "POST") when !request.QueryString.HasValue => instances.CreateAsync(context),
            ("instanceId", 2, "GET") => instances.IssueCookieAsync(context, segments[2]),
            ("instanceId", 2, "DELETE") => instances.DeleteAsync(context, segments[2]),
            ("registrations", 4, "PUT") => registrations.PutAsync(context, segments[2], segments[3], segments[4]),
            ("registrations", 4, "GET") => registrations.GetAsync(context, segments[2], segments[3], segments[4]),
            ("registrations", 4, "DELETE") => registrations.DeleteAsync(context, segments[2], segments[3], segments[4]),
            ("nextMessage", 2, "GET") => nextMessage.PollAsync(context, segments[2]),
            ("messageQueue", 2, "POST") => messageQueue.PostAsync(context, segments[2]),

            // Not part of the protocol: for App Service health checks and scripts waiting for startup. The server only
            // listens once the state is loaded, so answering at all means ready.
            ("healthz", 1, "GET") => Healthy(context),
            _ => null,
        };

        if (handler is null)
        {
            Answers.Status(context, StatusCodes.Status403Forbidden);
            return;
        }

        try
        {
            await handler;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller hung up; there is no one to answer.
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            // Storage trouble: the caller should retry later, and must not be told anything about the failure.
            LogRequestFailed(logger, request.Method, segments[1], exception);
            context.Response.Clear();
            Answers.Status(context, StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static Task Healthy(HttpContext context)
    {
        Answers.Status(context, StatusCodes.Status200OK);
        return Task.CompletedTask;
    }

    // Only the route's first segment is logged: the others are instance ids and tokens.
    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} /{Route} failed")]
    private static partial void LogRequestFailed(ILogger logger, string method, string route, Exception exception);
}
