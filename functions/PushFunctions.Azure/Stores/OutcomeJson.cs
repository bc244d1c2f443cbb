using System.Buffers;
using System.Text;
using System.Text.Json;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;

namespace PushFunctions.Azure.Stores;

/// <summary>The compact stored form of device outcomes (short keys: a chunk row holds hundreds of them).</summary>
internal static class OutcomeJson
{
    /// <summary>One outcome as a JSON object; a chunk row's text is such objects joined into an array.</summary>
    public static string Serialize(DeviceOutcome outcome)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("k", outcome.Key);
            writer.WriteString("u", outcome.UserId);
            WriteOptional(writer, "c", outcome.ClientId);
            WriteOptional(writer, "p", outcome.Platform?.ToString());
            writer.WriteString("s", outcome.Status.ToString());
            WriteOptional(writer, "r", outcome.Reason);
            WriteOptional(writer, "n", outcome.NotificationId);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static IEnumerable<DeviceOutcome> Deserialize(string json)
    {
        using var document = JsonDocument.Parse(json);
        var outcomes = new List<DeviceOutcome>();
        foreach (var o in document.RootElement.EnumerateArray())
        {
            outcomes.Add(new DeviceOutcome(
                o.GetProperty("k").GetString()!,
                o.GetProperty("u").GetString()!,
                Optional(o, "c"),
                Optional(o, "p") is { } platform ? Enum.Parse<Platform>(platform) : null,
                Enum.Parse<OutcomeStatus>(o.GetProperty("s").GetString()!),
                Optional(o, "r"),
                Optional(o, "n")));
        }

        return outcomes;
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static string? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.GetString() : null;
}
