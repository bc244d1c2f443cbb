using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Azure;
using Microsoft.AspNetCore.Diagnostics;

namespace PushFunctions.Gateway.Hosting;

/// <summary>
/// The last word on a request that threw. A dependency that did not answer, or answered that it is overloaded or down
/// (no connection, a timeout, 408, 429, 5xx), is the caller's cue to retry: 503 with Retry-After. Anything else will not
/// get better by retrying (storage refusing what it was sent with 400, 404, 409 or 412, rejected credentials, a bug):
/// a 500 problem+json whose only detail is the trace id, and an error in the log under the same id.
/// </summary>
public static partial class UnhandledExceptionResponder
{
    public static async Task RespondAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UnhandledExceptionResponder));
        if (IsUnavailableDependency(error, context.RequestAborted))
        {
            LogDependencyUnavailable(logger, error, context.Request.Method, context.Request.Path);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "text/plain";
            context.Response.Headers.RetryAfter = "5";
            await context.Response.WriteAsync("A service the gateway depends on is unavailable; retry later.");
            return;
        }

        // The W3C trace id: what Application Insights and OpenTelemetry show as the operation id of this request.
        var traceId = Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;
        if (error is RequestFailedException { Status: StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed })
        {
            LogConflict(logger, error, traceId, context.Request.Method, context.Request.Path);
            await Problem(context, StatusCodes.Status409Conflict, "Conflict", "A concurrent request changed the same data first; read it again before repeating this one.", traceId);
            return;
        }

        LogInternalError(logger, error, traceId, context.Request.Method, context.Request.Path);
        await Problem(context, StatusCodes.Status500InternalServerError, "Internal error", "The gateway could not complete the request and retrying will not help; quote the trace id to its operators.", traceId);
    }

    private static Task Problem(HttpContext context, int status, string title, string detail, string traceId) =>
        Results.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["traceId"] = traceId }).ExecuteAsync(context);

    /// <summary>Azure.Core's retry policy reports exhausted retries of transport failures as an AggregateException of them.</summary>
    private static bool IsUnavailableDependency([NotNullWhen(true)] Exception? error, CancellationToken requestAborted) => error switch
    {
        // Status 0: no answer at all (Azure.Core's transport failure).
        RequestFailedException failure => failure.Status is 0 or StatusCodes.Status408RequestTimeout or StatusCodes.Status429TooManyRequests or >= 500,
        HttpRequestException or TimeoutException => true,
        OperationCanceledException => !requestAborted.IsCancellationRequested,
        AggregateException aggregate => aggregate.InnerExceptions.All(inner => IsUnavailableDependency(inner, requestAborted)),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "A dependency did not answer while serving {Method} {Path}; answered 503")]
    private static partial void LogDependencyUnavailable(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conflict {TraceId} serving {Method} {Path}: a concurrent request wrote the same data first; answered 409")]
    private static partial void LogConflict(ILogger logger, Exception exception, string traceId, string method, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Internal error {TraceId} serving {Method} {Path}; answered 500")]
    private static partial void LogInternalError(ILogger logger, Exception? exception, string traceId, string method, string path);
}
