using System.Globalization;
using System.Xml.Linq;

namespace PushFunctions.Testing.NotificationHubs;

/// <summary>
/// The documents of Standard-tier telemetry, in the shapes the REST reference ("Get notification message telemetry")
/// and Microsoft.Azure.NotificationHubs' data contracts (NotificationDetails, PnsFeedback) give them.
/// </summary>
internal static class HubTelemetryDocuments
{
    private static readonly XNamespace Connect = "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect";
    private static readonly XNamespace Instance = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>The counts element per ServiceBusNotification-Format, named as the SDK's NotificationDetails names them.</summary>
    private static readonly Dictionary<string, string> CountsElements = new(StringComparer.Ordinal)
    {
        ["apple"] = "ApnsOutcomeCounts",
        ["fcmv1"] = "FcmV1OutcomeCounts",
        ["gcm"] = "GcmOutcomeCounts",
        ["windows"] = "WnsOutcomeCounts",
        ["windowsphone"] = "MpnsOutcomeCounts",
        ["adm"] = "AdmOutcomeCounts",
        ["baidu"] = "BaiduOutcomeCounts",
        ["browser"] = "BrowserOutcomeCounts",
        ["xiaomi"] = "XiaomiOutcomeCounts",
    };

    public static string NotificationDetails(string id, SentNotification sent, Uri location, Uri? errorDetails)
    {
        var outcomes = new List<XElement>();
        if (sent.Successes > 0)
        {
            outcomes.Add(Outcome("Success", sent.Successes));
        }

        outcomes.AddRange(sent.Errors.GroupBy(error => error.Error, StringComparer.Ordinal).Select(group => Outcome(group.Key, group.Count())));
        var document = new XElement(
            Connect + "NotificationDetails",
            new XAttribute(XNamespace.Xmlns + "i", Instance),
            new XElement(Connect + "NotificationId", id),
            new XElement(Connect + "Location", location.AbsoluteUri),
            new XElement(Connect + "State", "Completed"),
            new XElement(Connect + "EnqueueTime", Time(sent.EnqueueTime)),
            new XElement(Connect + "StartTime", Time(sent.EnqueueTime)),
            new XElement(Connect + "EndTime", Time(sent.EnqueueTime)),
            new XElement(Connect + "NotificationBody", sent.Body),
            new XElement(Connect + "TargetPlatforms", sent.Format),
            CountsElements.TryGetValue(sent.Format, out var counts) ? new XElement(Connect + counts, outcomes) : null,
            errorDetails is null ? null : new XElement(Connect + "PnsErrorDetailsUri", errorDetails.AbsoluteUri));
        return document.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>One PnsFeedback document per line, as the hub appends them to the error details blob.</summary>
    public static string PnsErrorDetails(string id, SentNotification sent, DateTimeOffset feedbackTime) =>
        string.Join("\n", sent.Errors.Select(error => new XElement(
            Connect + "PnsFeedback",
            new XAttribute(XNamespace.Xmlns + "i", Instance),
            new XElement(Connect + "FeedbackTime", Time(feedbackTime)),
            new XElement(Connect + "NotificationSystemError", error.Error),
            new XElement(Connect + "Platform", sent.Format),
            new XElement(Connect + "PnsHandle", error.Handle),
            new XElement(Connect + "NotificationId", id)).ToString(SaveOptions.DisableFormatting)));

    private static XElement Outcome(string name, int count) =>
        new(Connect + "Outcome", new XElement(Connect + "Name", name), new XElement(Connect + "Count", count.ToString(CultureInfo.InvariantCulture)));

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
}
