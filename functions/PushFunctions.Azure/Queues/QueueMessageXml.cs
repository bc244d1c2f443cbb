using System.Globalization;
using System.Xml.Linq;

namespace PushFunctions.Azure.Queues;

/// <summary>The Queue service's XML: the body a message is sent in, and the QueueMessagesList it answers with.</summary>
internal static class QueueMessageXml
{
    public static byte[] MessageBody(string queuedText) =>
        System.Text.Encoding.UTF8.GetBytes(new XElement("QueueMessage", new XElement("MessageText", queuedText)).ToString(SaveOptions.DisableFormatting));

    /// <summary>The QueueMessage elements of a QueueMessagesList.</summary>
    public static IEnumerable<XElement> Messages(string body) =>
        XElement.Parse(body).Elements("QueueMessage");

    public static string Required(XElement message, string name) =>
        message.Element(name)?.Value
        ?? throw new FormatException($"The Queue service answered with a message without {name}.");

    public static DateTimeOffset RequiredTime(XElement message, string name) =>
        OptionalTime(message, name) ?? throw new FormatException($"The Queue service answered with a message without {name}.");

    /// <summary>Times are RFC 1123 ("Mon, 01 Jan 2024 00:00:00 GMT").</summary>
    public static DateTimeOffset? OptionalTime(XElement message, string name) =>
        message.Element(name)?.Value is { } text ? ParseTime(text) : null;

    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static long DequeueCount(XElement message) =>
        long.Parse(Required(message, "DequeueCount"), NumberStyles.None, CultureInfo.InvariantCulture);
}
