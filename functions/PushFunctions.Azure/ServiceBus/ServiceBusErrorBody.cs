using System.Xml;
using System.Xml.Linq;
using Azure;

namespace PushFunctions.Azure.ServiceBus;

/// <summary>
/// The error body of the Service Bus gateway, which Notification Hubs answers with too:
/// <c>&lt;Error&gt;&lt;Code&gt;401&lt;/Code&gt;&lt;Detail&gt;...&lt;/Detail&gt;&lt;/Error&gt;</c>. The detail names the failure and carries a
/// tracking id, never the key.
/// </summary>
internal static class ServiceBusErrorBody
{
    /// <returns>False when the body is empty or not that XML (a proxy's page, say): the status alone is left to report.</returns>
    public static bool TryRead(Response response, out string? code, out string? detail)
    {
        code = null;
        detail = null;
        if (response.Content is null || response.Content.ToMemory().IsEmpty)
        {
            return false;
        }

        try
        {
            var root = XElement.Parse(response.Content.ToString());
            if (root.Name.LocalName != "Error")
            {
                return false;
            }

            code = root.Element("Code")?.Value;
            detail = root.Element("Detail")?.Value;
            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }
}
