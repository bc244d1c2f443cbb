using System.Text.Json;

namespace PushFunctions.Testing.ServiceBus;

/// <summary>
/// The custom-handler invocation payload the Functions host POSTs to <c>/{FunctionName}</c> for a Service Bus trigger
/// binding named "message": the body in <c>Data</c>, the message's properties (DeliveryCount, MessageId, ...) in <c>Metadata</c>.
/// </summary>
public static class FunctionsHostInvocation
{
    public static string ForServiceBusMessage(RecordedMessage message, string functionName, int deliveryCount)
    {
        ArgumentNullException.ThrowIfNull(message);
        return JsonSerializer.Serialize(new
        {
            Data = new { message = message.BodyText },
            Metadata = new Dictionary<string, object?>
            {
                ["DeliveryCount"] = deliveryCount,
                ["MessageId"] = message.MessageId,
                ["SequenceNumber"] = message.SequenceNumber,
                ["ContentType"] = "application/octet-stream",
                ["sys"] = new { MethodName = functionName, UtcNow = DateTime.UtcNow, RandomGuid = Guid.NewGuid() },
            },
        });
    }
}
