using System.Globalization;
using System.Xml.Linq;

namespace PushFunctions.Azure.NotificationHubs;

/// <summary>
/// A sent notification's per-message telemetry (REST "Get notification message telemetry", Standard tier): its state,
/// its outcome counts per push service, and, when a push service reported errors, where their details are.
/// </summary>
/// <param name="NotificationId">The id the send's Location header carried.</param>
/// <param name="State">How far the hub got; counts and error details are final once it is <see cref="NotificationOutcomeState.Completed"/>.</param>
/// <param name="OutcomeCounts">The <c>{Platform}OutcomeCounts</c> elements, flattened.</param>
/// <param name="PnsErrorDetailsUri">A blob (with its SAS) listing each push service error; absent when there were none.</param>
public sealed record NotificationDetails(
    string NotificationId, NotificationOutcomeState State, IReadOnlyList<NotificationOutcomeCount> OutcomeCounts, Uri? PnsErrorDetailsUri)
{
    private const string CountsSuffix = "OutcomeCounts";

    /// <summary>Reads a <c>NotificationDetails</c> document (namespace <c>http://schemas.microsoft.com/netservices/2010/10/servicebus/connect</c>).</summary>
    /// <exception cref="FormatException">The document is not a NotificationDetails.</exception>
    /// <exception cref="System.Xml.XmlException">The text is not XML.</exception>
    public static NotificationDetails Parse(string xml)
    {
        var root = XElement.Parse(xml);
        if (root.Name.LocalName != "NotificationDetails")
        {
            throw new FormatException($"Expected a NotificationDetails document, got <{root.Name.LocalName}>.");
        }

        string? Text(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

        var counts = root.Elements()
            .Where(e => e.Name.LocalName.EndsWith(CountsSuffix, StringComparison.Ordinal))
            .SelectMany(platform => platform.Elements().Where(e => e.Name.LocalName == "Outcome").Select(outcome => new NotificationOutcomeCount(
                platform.Name.LocalName[..^CountsSuffix.Length],
                Text(outcome, "Name") ?? string.Empty,
                long.TryParse(Text(outcome, "Count"), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 0)))
            .ToList();
        var state = Enum.TryParse<NotificationOutcomeState>(Text(root, "State"), ignoreCase: true, out var parsed) ? parsed : NotificationOutcomeState.Unknown;
        var errors = Text(root, "PnsErrorDetailsUri");
        return new NotificationDetails(
            Text(root, "NotificationId") ?? string.Empty,
            state,
            counts,
            Uri.TryCreate(errors, UriKind.Absolute, out var errorsUri) ? errorsUri : null);
    }
}
