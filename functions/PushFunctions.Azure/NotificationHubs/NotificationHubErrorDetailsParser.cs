using Azure;
using Azure.Core;
using PushFunctions.Azure.ServiceBus;

namespace PushFunctions.Azure.NotificationHubs;

/// <summary>
/// Reads the Service Bus error body Notification Hubs answers with (see <see cref="ServiceBusErrorBody"/>) and names
/// the failure (<see cref="NotificationHubErrorCode"/>). A 403 is told apart the way the official client
/// (Microsoft.Azure.NotificationHubs, ExceptionUtility) and the service's answers tell it: a Retry-After header means
/// throttling (the SDK's QuotaExceededException); otherwise the detail says quota, size or tier (a batch send to a Free
/// hub is refused with "This operation is not available for your tier"); a 403 that says none of these, as the
/// service answers a Listen-only policy's send with an empty body, is the access policy lacking the Send claim (the
/// SDK's UnauthorizedException).
/// </summary>
internal sealed class NotificationHubErrorDetailsParser : RequestFailedDetailsParser
{
    public static NotificationHubErrorDetailsParser Instance { get; } = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        ArgumentNullException.ThrowIfNull(response);
        data = null;
        ServiceBusErrorBody.TryRead(response, out _, out var detail);
        var code = CodeOf(response, detail);
        error = code is null && detail is null ? null : new ResponseError(code, detail);
        return error is not null;
    }

    private static string? CodeOf(Response response, string? detail) => response.Status switch
    {
        401 => NotificationHubErrorCode.Unauthorized,
        403 when response.Headers.Contains("Retry-After") || Says(detail, "quota") => NotificationHubErrorCode.QuotaExceeded,
        403 when Says(detail, "too large") || Says(detail, "size") => NotificationHubErrorCode.MessageSizeExceeded,
        403 when Says(detail, "tier") || Says(detail, "SKU") => NotificationHubErrorCode.NotAvailableForTier,
        403 => NotificationHubErrorCode.Forbidden,
        404 => NotificationHubErrorCode.MessagingEntityNotFound,
        413 => NotificationHubErrorCode.MessageSizeExceeded,
        _ => null,
    };

    private static bool Says(string? detail, string words) => detail?.Contains(words, StringComparison.OrdinalIgnoreCase) == true;
}
