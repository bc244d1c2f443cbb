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
    public const string DeadLetterFunction = "DeadLetteredFromServiceBus";
    public const string MessageBinding = "message";

    public static void MapFunctionInvocationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/" + StorageQueueFunction, (HttpRequest request, EnvelopeProcessor processor, IOptions<PushQueueOptions> options, CancellationToken cancellationToken) =>
            InvokeAsync(request, processor, "DequeueCount", options.Value.MaxDeliveryAttempts, cancellationToken));
        app.MapPost("/" + ServiceBusFunction, (HttpRequest request, EnvelopeProcessor processor, IOptions<PushQueueOptions> options, CancellationToken cancellationToken) =>
            InvokeAsync(request, processor, "DeliveryCount", options.Value.MaxDeliveryAttempts, cancellationToken));
        app.MapPost("/" + DeadLetterFunction, RecordDeadLetteredAsync);
    }

    public static async Task<IResult> InvokeAsync(
        HttpRequest request, EnvelopeProcessor processor, string attemptMetadata, int maxAttempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(processor);
        var (message, metadata, refusal) = await ReadInvocationAsync(request, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var outcome = await processor.ProcessAsync(message!, ReadAttempt(metadata, attemptMetadata), maxAttempts, cancellationToken);
        return outcome == EnvelopeOutcome.Completed
            ? Results.Json(new InvocationResult())
            : Results.Text($"Delivery did not complete ({outcome}); the host retries or dead-letters the message.", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>
    /// The dead-letter queue's trigger: Service Bus moved a message there without the delivery attempts seeing it
    /// (it expired first, say); the broker's reason is in the message's application properties.
    /// </summary>
    private static async Task<IResult> RecordDeadLetteredAsync(HttpRequest request, EnvelopeProcessor processor, CancellationToken cancellationToken)
    {
        var (message, metadata, refusal) = await ReadInvocationAsync(request, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        await processor.RecordDeadLetteredAsync(message!, DeadLetterReason(metadata), cancellationToken);
        return Results.Json(new InvocationResult());
    }

    private static async Task<(byte[]? Message, JsonElement Metadata, IResult? Refusal)> ReadInvocationAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            using var invocation = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
            if (!invocation.RootElement.TryGetProperty("Data", out var data) || !data.TryGetProperty(MessageBinding, out var trigger))
            {
                return (null, default, Results.Text($"The invocation has no Data.{MessageBinding}.", "text/plain", statusCode: StatusCodes.Status400BadRequest));
            }

            // The host passes a message as a JSON string, or, when the message itself is JSON, sometimes as that JSON.
            var message = trigger.ValueKind == JsonValueKind.String
                ? Encoding.UTF8.GetBytes(trigger.GetString()!)
                : Encoding.UTF8.GetBytes(trigger.GetRawText());
            var metadata = invocation.RootElement.TryGetProperty("Metadata", out var found) ? found.Clone() : default;
            return (message, metadata, null);
        }
        catch (JsonException)
        {
            return (null, default, Results.Text("The invocation payload is not JSON.", "text/plain", statusCode: StatusCodes.Status400BadRequest));
        }
    }

    /// <summary>The broker's reason (e.g. TTLExpiredException), from the host's ApplicationProperties (UserProperties in older hosts).</summary>
    private static string DeadLetterReason(JsonElement metadata)
    {
        foreach (var bag in (string[])["ApplicationProperties", "UserProperties"])
        {
            if (metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty(bag, out var properties)
                && properties.ValueKind == JsonValueKind.Object
                && properties.TryGetProperty("DeadLetterReason", out var value)
                && value.ValueKind == JsonValueKind.String
                && value.GetString() is { Length: > 0 } reason)
            {
                return reason;
            }
        }

        return "no reason given";
    }

    private static long ReadAttempt(JsonElement metadata, string name)
    {
        if (metadata.ValueKind != JsonValueKind.Object || !metadata.TryGetProperty(name, out var value))
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
