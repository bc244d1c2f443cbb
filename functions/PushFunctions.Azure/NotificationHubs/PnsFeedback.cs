using System.Xml.Linq;

namespace PushFunctions.Azure.NotificationHubs;

/// <summary>
/// One push service error about one handle, as the hub records it in PNS feedback and in a notification's PNS error
/// details blob: one <c>PnsFeedback</c> document per line.
/// </summary>
/// <param name="NotificationSystemError">The error: <c>ExpiredChannel</c>, <c>BadChannel</c>, <c>WrongToken</c>, <c>InvalidCredentials</c>, ...</param>
/// <param name="PnsHandle">The handle the push service refused (a device token: never log it).</param>
/// <param name="NotificationId">The notification the error belongs to, when the hub says.</param>
public sealed record PnsFeedback(string NotificationSystemError, string PnsHandle, string? NotificationId)
{
    /// <summary>Reads the blob's lines; blank lines are skipped.</summary>
    /// <exception cref="FormatException">A line is not a PnsFeedback document.</exception>
    /// <exception cref="System.Xml.XmlException">A line is not XML.</exception>
    public static IReadOnlyList<PnsFeedback> ParseLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var feedback = new List<PnsFeedback>();
        foreach (var line in text.Trim('\uFEFF').Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var root = XElement.Parse(line);
            string? Text(string name) => root.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
            if (root.Name.LocalName != "PnsFeedback" || Text("NotificationSystemError") is not { } error || Text("PnsHandle") is not { } handle)
            {
                throw new FormatException("A PNS error details line is not a PnsFeedback with NotificationSystemError and PnsHandle.");
            }

            feedback.Add(new PnsFeedback(error, handle, Text("NotificationId")));
        }

        return feedback;
    }
}
