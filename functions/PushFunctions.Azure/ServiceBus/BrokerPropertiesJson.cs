using System.Text;
using System.Text.Json;

namespace PushFunctions.Azure.ServiceBus;

/// <summary>
/// The broker properties of a message as the REST API takes them: a JSON object, in the BrokerProperties header of a
/// single send and in each entry of a batch. TimeToLive is in seconds.
/// </summary>
internal static class BrokerPropertiesJson
{
    public static bool HasAny(ServiceBusMessage message) => message.MessageId is not null || message.TimeToLive is not null;

    public static void Write(Utf8JsonWriter writer, ServiceBusMessage message)
    {
        writer.WriteStartObject();
        if (message.MessageId is not null)
        {
            writer.WriteString("MessageId", message.MessageId);
        }

        if (message.TimeToLive is { } timeToLive)
        {
            writer.WriteNumber("TimeToLive", (long)timeToLive.TotalSeconds);
        }

        writer.WriteEndObject();
    }

    public static string ToHeaderValue(ServiceBusMessage message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, message);
        }

        // The header carries ASCII only: the writer escapes everything else.
        return Encoding.ASCII.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
