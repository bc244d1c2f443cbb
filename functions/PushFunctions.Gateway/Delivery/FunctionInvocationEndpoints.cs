using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// Queue-triggered delivery under the Functions host: the host POSTs the custom-handler invocation payload
/// (<c>{"Data":{"message":...},"Metadata":{"DequeueCount":...}}</c>) to <c>/{FunctionName}</c>. A 2xx answer completes
/// the message; any other makes the host retry it and finally poison / dead-letter it.
/// </summary>
public static class FunctionInvocationEndpoints
{
    public const string StorageQueueFunction = "DeliverFromQueue";
    public const string ServiceBusFunction = "DeliverFromServiceBus";
    public const string MessageBinding = "message";

    public static void MapFunctionInvocationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/" + StorageQueueFunction, (HttpRequest request, EnvelopeProcessor processor, IOptions<PushQueueOptions> options, CancellationToken cancellationToken) =>
            InvokeAsync(request, processor, "DequeueCount", options.Value.MaxDeliveryAttempts, cancellationToken));
        app.MapPost("/" + ServiceBusFunction, (HttpRequest request, EnvelopeProcessor processor, IOptions<PushQueueOptions> options, CancellationToken cancellationToken) =>
            InvokeAsync(request, processor, "DeliveryCount", options.Value.MaxDeliveryAttempts, cancellationToken));
    }

    public static async Task<IResult> InvokeAsync(
        HttpRequest request, EnvelopeProcessor processor, string attemptMetadata, int maxAttempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(processor);
        byte[] message;
        long attempt;
        try
        {
            using var invocation = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
            if (!invocation.RootElement.TryGetProperty("Data", out var data) || !data.TryGetProperty(MessageBinding, out var trigger))
            {
                return Results.Text($"The invocation has no Data.{MessageBinding}.", "text/plain", statusCode: StatusCodes.Status400BadRequest);
            }

            // The host passes a message as a JSON string, or, when the message itself is JSON, sometimes as that JSON.
            message = trigger.ValueKind == JsonValueKind.String
                ? Encoding.UTF8.GetBytes(trigger.GetString()!)
                : Encoding.UTF8.GetBytes(trigger.GetRawText());
            attempt = ReadAttempt(invocation.RootElement, attemptMetadata);
        }
        catch (JsonException)
        {
            return Results.Text("The invocation payload is not JSON.", "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        var outcome = await processor.ProcessAsync(message, attempt, maxAttempts, cancellationToken);
        return outcome == EnvelopeOutcome.Completed
            ? Results.Json(new InvocationResult())
            : Results.Text($"Delivery did not complete ({outcome}); the host retries or dead-letters the message.", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static long ReadAttempt(JsonElement invocation, string name)
    {
        if (!invocation.TryGetProperty("Metadata", out var metadata) || !metadata.TryGetProperty(name, out var value))
        {
            return 1;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => 1,
        };
    }
}
