namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// Queue-triggered delivery under the Functions host, which POSTs the custom-handler invocation payload
/// (<see cref="HostInvocation"/>) to <c>/{FunctionName}</c>. A 2xx answer completes the message; any other makes the
/// host retry it. A delivery to be retried is sent again by the gateway with its backoff delay
/// (<see cref="EnvelopeRedelivery"/>) and answered 2xx; only if that send fails does the host retry. A message given up,
/// or not an envelope, is copied to the Storage queue "{queue}-poison" and answered 2xx. Mapped only when the app runs as the host's custom handler:
/// standalone, nobody may hand the gateway an envelope to deliver.
/// </summary>
public static class FunctionInvocationEndpoints
{
    public const string StorageQueueFunction = "DeliverFromQueue";
    public const string ServiceBusFunction = "DeliverFromServiceBus";
    public const string DeadLetterFunction = "DeadLetteredFromServiceBus";
    public const string MessageBinding = "message";

    public static void MapFunctionInvocationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/" + StorageQueueFunction, (HttpRequest request, EnvelopeProcessor processor, EnvelopeRedelivery redelivery, PoisonQueue poison, CancellationToken cancellationToken) =>
            DeliverAsync(request, processor, redelivery, poison, "Storage queue message", "Id", "DequeueCount", cancellationToken));
        app.MapPost("/" + ServiceBusFunction, (HttpRequest request, EnvelopeProcessor processor, EnvelopeRedelivery redelivery, PoisonQueue poison, CancellationToken cancellationToken) =>
            DeliverAsync(request, processor, redelivery, poison, "Service Bus message", "MessageId", "DeliveryCount", cancellationToken));
        app.MapPost("/" + DeadLetterFunction, RecordDeadLetteredAsync);
    }

    private static async Task<IResult> DeliverAsync(
        HttpRequest request, EnvelopeProcessor processor, EnvelopeRedelivery redelivery, PoisonQueue poison, string kind, string idMetadata, string attemptMetadata, CancellationToken cancellationToken)
    {
        var (invocation, refusal) = await HostInvocation.ReadAsync(request, MessageBinding, cancellationToken);
        if (invocation is null)
        {
            return Results.Text(refusal, "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        var attempt = invocation.Count(attemptMetadata);
        var outcome = await processor.ProcessAsync(invocation.Message, attempt, cancellationToken);
        switch (outcome.Kind)
        {
            case EnvelopeOutcomeKind.Completed:
                return Results.Json(new InvocationResult());
            case EnvelopeOutcomeKind.Retry:
                try
                {
                    return Results.Json(new InvocationResult { Logs = [await redelivery.SendAsync(invocation.Message, outcome, cancellationToken)] });
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    return Results.Text($"Delivery did not complete: {outcome.Reason}; sending it again failed ({e.GetType().Name}). The host retries the message.", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
                }

            default:
                // Never an envelope, or given up: retrying cannot help, and a failed answer would make the host retry. A
                // custom handler cannot poison or dead-letter a message itself (the host settles it from the answer
                // alone), so the handler keeps the copy the host would keep, with the reason, and answers success so the
                // host completes the original.
                var logged = await poison.PoisonAsync(invocation.Message, $"{kind} {invocation.Scalar(idMetadata)} (attempt {attempt})", outcome.Reason!, cancellationToken);
                return Results.Json(new InvocationResult { Logs = [logged] });
        }
    }

    /// <summary>
    /// The dead-letter queue's trigger: Service Bus moved a message there without the delivery attempts seeing it
    /// (it expired first, say); the broker's reason is in the message's application properties.
    /// </summary>
    private static async Task<IResult> RecordDeadLetteredAsync(HttpRequest request, EnvelopeProcessor processor, CancellationToken cancellationToken)
    {
        var (invocation, refusal) = await HostInvocation.ReadAsync(request, MessageBinding, cancellationToken);
        if (invocation is null)
        {
            return Results.Text(refusal, "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        await processor.RecordDeadLetteredAsync(invocation.Message, invocation.ApplicationProperty("DeadLetterReason") ?? "no reason given", cancellationToken);
        return Results.Json(new InvocationResult());
    }
}
