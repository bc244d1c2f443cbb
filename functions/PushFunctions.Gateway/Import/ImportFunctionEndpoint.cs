using System.Text.Json;
using PushFunctions.Gateway.Delivery;
using PushFunctions.Import.Importing;

namespace PushFunctions.Gateway.Import;

/// <summary>
/// The timer function under the Functions host: on its schedule (<c>RhoConnect__ImportSchedule</c>) the host POSTs
/// <c>{"Data":{"timer":{"Schedule":{...},"ScheduleStatus":...,"IsPastDue":false}},"Metadata":{"sys":{...}}}</c> to
/// <c>/ImportFromRhoConnect</c> (the shape the host 4.1037 sends: ScriptInvocationContextExtensions turns the
/// TimerInfo into JSON under the binding's name). Nothing in it changes what the import does. A 2xx answer is a
/// succeeded invocation, its <c>Logs</c> go to the host's log; any other answer is a failed one. Mapped only when the
/// app runs as the host's custom handler.
/// </summary>
public static class ImportFunctionEndpoint
{
    public const string FunctionName = "ImportFromRhoConnect";
    public const string TimerBinding = "timer";

    public static void MapImportFunction(this IEndpointRouteBuilder app) => app.MapPost("/" + FunctionName, InvokeAsync);

    private static async Task<IResult> InvokeAsync(HttpRequest request, IServiceProvider services, CancellationToken cancellationToken)
    {
        try
        {
            using var invocation = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
            if (invocation.RootElement.ValueKind != JsonValueKind.Object
                || !invocation.RootElement.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty(TimerBinding, out var timer) || timer.ValueKind != JsonValueKind.Object)
            {
                return Results.Text($"The invocation has no Data.{TimerBinding}.", "text/plain", statusCode: StatusCodes.Status400BadRequest);
            }
        }
        catch (JsonException)
        {
            return Results.Text("The invocation payload is not JSON.", "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        if (services.GetService<ScheduledImport>() is not { } import)
        {
            return Results.Json(new InvocationResult { Logs = ["RhoConnect import is off: RhoConnect__ImportFrom and RhoConnect__ImportApiToken are not set"] });
        }

        var summary = await import.RunAsync(cancellationToken);
        return summary.State is ImportState.Completed or ImportState.NotStarted
            ? Results.Json(new InvocationResult { Logs = [summary.Describe()] })
            : Results.Text(summary.Describe(), "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
