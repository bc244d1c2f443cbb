using Azure;
using Azure.Core;
using PushFunctions.Azure.ServiceBus;

namespace PushFunctions.Azure.NotificationHubs;

/// <summary>Reads the Service Bus error body Notification Hubs answers with (see <see cref="ServiceBusErrorBody"/>).</summary>
internal sealed class NotificationHubErrorDetailsParser : RequestFailedDetailsParser
{
    public static NotificationHubErrorDetailsParser Instance { get; } = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        ArgumentNullException.ThrowIfNull(response);
        data = null;
        error = ServiceBusErrorBody.TryRead(response, out var code, out var detail) ? new ResponseError(code, detail) : null;
        return error is not null;
    }
}
