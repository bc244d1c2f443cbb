using System.Xml;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace PushFunctions.Azure.NotificationHubs;

/// <summary>
/// Reads the error body Notification Hubs answers with (the Service Bus gateway's):
/// <c>&lt;Error&gt;&lt;Code&gt;401&lt;/Code&gt;&lt;Detail&gt;...&lt;/Detail&gt;&lt;/Error&gt;</c>, whose detail names the failure and carries a
/// tracking id, never the key; and names the failure (<see cref="NotificationHubErrorCode"/>). A 403 is told apart the
/// way the official client (Microsoft.Azure.NotificationHubs, ExceptionUtility) and the service's answers tell it: a
/// Retry-After header means throttling (the SDK's QuotaExceededException); otherwise the detail says quota, size or
/// tier (a batch send to a Free hub is refused with "This operation is not available for your tier"); a 403 that says
/// none of these, as the service answers a Listen-only policy's send with an empty body, is the access policy lacking
/// the Send claim (the SDK's UnauthorizedException).
/// </summary>
internal sealed class NotificationHubErrorDetailsParser : RequestFailedDetailsParser
{
    public static NotificationHubErrorDetailsParser Instance { get; } = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        ArgumentNullException.ThrowIfNull(response);
        data = null;
        var detail = DetailOf(response);
        var code = CodeOf(response, detail);
        error = code is null && detail is null ? null : new ResponseError(code, detail);
        return error is not null;
    }

    /// <summary>The detail of the service's error body; none for an empty body or other content (a proxy's page, say).</summary>
    private static string? DetailOf(Response response)
    {
        if (response.Content is null || response.Content.ToMemory().IsEmpty)
        {
            return null;
        }

        try
        {
            var root = XElement.Parse(response.Content.ToString());
            return root.Name.LocalName == "Error" ? root.Element("Detail")?.Value : null;
        }
        catch (XmlException)
        {
            // Not the service's error body.
            return null;
        }
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
