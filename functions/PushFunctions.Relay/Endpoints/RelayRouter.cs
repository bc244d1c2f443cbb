using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PushFunctions.Relay.Storage;

namespace PushFunctions.Relay.Endpoints;

/// <summary>
/// Maps the protocol's few paths by segment count and method. Anything else (wrong method, wrong number of segments,
/// empty segments such as <c>/instanceId/</c>, unknown paths, a query on <c>/instanceId</c>) is 403, as in the original.
/// <c>GET /healthz</c> is the one addition. A storage outage is 503 with Retry-After (the gateway and devices retry);
/// anything else that throws is a bug: logged with a correlation id, answered 500 with that id in a header and no body.
/// </summary>
public sealed partial class RelayRouter(
    InstanceEndpoints instances,
    RegistrationEndpoints registrations,
    NextMessageEndpoint nextMessage,
    MessageQueueEndpoint messageQueue,
    ILogger<RelayRouter> logger)
{
    /// <summary>The header that carries the id under which an internal error was logged.</summary>
    public const string CorrelationHeader = "X-Correlation-Id";

    private const string RetryAfterSeconds = "5";

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
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller hung up (whatever the call in progress threw about it); there is no one to answer.
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            // Nothing of the failure reaches the caller: the route's other segments are ids and tokens, and the
            // exception's text may name tables or keys.
            context.Response.Clear();
            if (StorageFailures.IsOutage(exception, context.RequestAborted))
            {
                LogStorageUnavailable(logger, request.Method, segments[1], exception);
                Answers.Status(context, StatusCodes.Status503ServiceUnavailable);
                context.Response.Headers.RetryAfter = RetryAfterSeconds;
                return;
            }

            LogRequestFailed(logger, request.Method, segments[1], context.TraceIdentifier, exception);
            Answers.Status(context, StatusCodes.Status500InternalServerError);
            context.Response.Headers[CorrelationHeader] = context.TraceIdentifier;
        }
    }

    private static Task Healthy(HttpContext context)
    {
        Answers.Status(context, StatusCodes.Status200OK);
        return Task.CompletedTask;
    }

    // Only the route's first segment is logged: the others are instance ids and tokens.
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} /{Route}: storage unavailable; answered 503")]
    private static partial void LogStorageUnavailable(ILogger logger, string method, string route, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} /{Route} failed: internal error {CorrelationId}; answered 500")]
    private static partial void LogRequestFailed(ILogger logger, string method, string route, string correlationId, Exception exception);
}
