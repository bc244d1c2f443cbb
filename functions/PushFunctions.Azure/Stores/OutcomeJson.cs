using System.Text;
using System.Text.Json;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;

namespace PushFunctions.Azure.Stores;

/// <summary>The compact stored form of device outcomes (short keys: a chunk row holds hundreds of them).</summary>
internal static class OutcomeJson
{
    public static int EstimateBytes(DeviceOutcome outcome) =>
        64 + (2 * (outcome.Key.Length + outcome.UserId.Length + (outcome.ClientId?.Length ?? 0)
            + (outcome.Reason?.Length ?? 0) + (outcome.NotificationId?.Length ?? 0)));

    public static string Serialize(IReadOnlyList<DeviceOutcome> outcomes)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var o in outcomes)
            {
                writer.WriteStartObject();
                writer.WriteString("k", o.Key);
                writer.WriteString("u", o.UserId);
                WriteOptional(writer, "c", o.ClientId);
                WriteOptional(writer, "p", o.Platform?.ToString());
                writer.WriteString("s", o.Status.ToString());
                WriteOptional(writer, "r", o.Reason);
                WriteOptional(writer, "n", o.NotificationId);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
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
