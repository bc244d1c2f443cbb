using Azure;
using Azure.Core;

namespace PushFunctions.Azure.ServiceBus;

/// <summary>
/// Reads a failed Service Bus response, <c>&lt;Error&gt;&lt;Code&gt;403&lt;/Code&gt;&lt;Detail&gt;...&lt;/Detail&gt;&lt;/Error&gt;</c>,
/// into an error code callers can act on and the service's detail as the message.
/// </summary>
internal sealed class ServiceBusErrorDetailsParser : RequestFailedDetailsParser
{
    public static ServiceBusErrorDetailsParser Instance { get; } = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        ArgumentNullException.ThrowIfNull(response);
        data = null;
        ServiceBusErrorBody.TryRead(response, out _, out var detail);
        var code = response.Status switch
        {
            400 => ServiceBusErrorCode.BadRequest,
            401 => ServiceBusErrorCode.Unauthorized,
            // 403 is documented as "quota exceeded or message too large"; only the detail tells which.
            403 when detail?.Contains("size", StringComparison.OrdinalIgnoreCase) == true => ServiceBusErrorCode.MessageSizeExceeded,
            413 => ServiceBusErrorCode.MessageSizeExceeded,
            403 => ServiceBusErrorCode.QuotaExceeded,
            404 or 410 => ServiceBusErrorCode.MessagingEntityNotFound,
            503 => ServiceBusErrorCode.ServiceBusy,
            _ => null,
        };
        error = code is null && detail is null ? null : new ResponseError(code, detail);
        return error is not null;
    }
}
