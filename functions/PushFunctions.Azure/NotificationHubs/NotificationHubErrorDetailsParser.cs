using System.Xml;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace PushFunctions.Azure.NotificationHubs;

/// <summary>
/// Reads the error body Notification Hubs answers with (the Service Bus gateway's):
/// <c>&lt;Error&gt;&lt;Code&gt;401&lt;/Code&gt;&lt;Detail&gt;...&lt;/Detail&gt;&lt;/Error&gt;</c>. The detail names the failure and carries a
/// tracking id, never the key. An empty body or other content (a proxy's page, say) leaves the status alone to report.
/// </summary>
internal sealed class NotificationHubErrorDetailsParser : RequestFailedDetailsParser
{
    public static NotificationHubErrorDetailsParser Instance { get; } = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        ArgumentNullException.ThrowIfNull(response);
        data = null;
        error = null;
        if (response.Content is null || response.Content.ToMemory().IsEmpty)
        {
            return false;
        }

        try
        {
            var root = XElement.Parse(response.Content.ToString());
            if (root.Name.LocalName == "Error")
            {
                error = new ResponseError(root.Element("Code")?.Value, root.Element("Detail")?.Value);
            }
        }
        catch (XmlException)
        {
            // Not the service's error body.
        }

        return error is not null;
    }
}
