using System.Diagnostics.CodeAnalysis;
using Azure;
using Microsoft.AspNetCore.Diagnostics;

namespace PushFunctions.Gateway.Hosting;

/// <summary>
/// The last word on a request that threw. Storage (or another service) failing to answer is the caller's cue to retry,
/// so it is a 503 with Retry-After, not a 500; anything else is a bug and answers a bare 500 without details.
/// </summary>
public static partial class UnavailableDependencyResponder
{
    public static async Task RespondAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UnavailableDependencyResponder));
        context.Response.ContentType = "text/plain";
        if (IsUnavailableDependency(error, context.RequestAborted))
        {
            LogDependencyUnavailable(logger, error, context.Request.Path);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            await context.Response.WriteAsync("A service the gateway depends on is unavailable; retry later.");
            return;
        }

        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        await context.Response.WriteAsync("Internal error.");
    }

    /// <summary>Azure.Core's retry policy reports exhausted retries of transport failures as an AggregateException of them.</summary>
    private static bool IsUnavailableDependency([NotNullWhen(true)] Exception? error, CancellationToken requestAborted) => error switch
    {
        RequestFailedException or HttpRequestException or TimeoutException => true,
        OperationCanceledException => !requestAborted.IsCancellationRequested,
        AggregateException aggregate => aggregate.InnerExceptions.All(inner => IsUnavailableDependency(inner, requestAborted)),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "A dependency did not answer while serving {Path}; answered 503")]
    private static partial void LogDependencyUnavailable(ILogger logger, Exception exception, string path);
}
