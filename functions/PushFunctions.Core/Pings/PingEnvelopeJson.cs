using System.Globalization;
using System.Text.Json;

namespace PushFunctions.Core.Pings;

/// <summary>The envelope's wire form on the queue. Source-generated: the accept path serialises thousands per second.</summary>
public static class PingEnvelopeJson
{
    public static byte[] Serialize(PingEnvelope envelope) =>
        JsonSerializer.SerializeToUtf8Bytes(envelope, PingEnvelopeJsonContext.Default.PingEnvelope);

    /// <exception cref="MalformedEnvelopeException">The bytes are not an envelope: not JSON, a value of the wrong type, or a field missing.</exception>
    public static PingEnvelope Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        PingEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(utf8Json, PingEnvelopeJsonContext.Default.PingEnvelope);
        }
        catch (JsonException e)
        {
            throw new MalformedEnvelopeException(
                IsJson(utf8Json) ? $"not a ping envelope: a value of the wrong type at {e.Path}" : "not a ping envelope: not JSON", e);
        }

        if (MissingField(envelope) is { } missing)
        {
            throw new MalformedEnvelopeException($"not a ping envelope: {missing} is missing");
        }

        return envelope!;
    }

    /// <summary>
    /// The serializer fills an absent property with null even where the record says it cannot be; delivery would then
    /// fail deep inside with a NullReferenceException on every retry. Checked here once, by the names on the wire.
    /// </summary>
    private static string? MissingField(PingEnvelope? envelope)
    {
        if (envelope is null)
        {
            return "the envelope";
        }

        if (string.IsNullOrEmpty(envelope.Id))
        {
            return "id";
        }

        if (envelope.Pings is null)
        {
            return "pings";
        }

        for (var i = 0; i < envelope.Pings.Count; i++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"pings[{i}]");
            var ping = envelope.Pings[i];
            string? missing = ping switch
            {
                null => at,
                { Id: null or "" } => at + ".id",
                { UserIds: null } => at + ".user_ids",
                _ when ping.UserIds.Any(u => u is null) => at + ".user_ids[]",
                { Notification: null } => at + ".notification",
                { Notification.Sources: null } => at + ".notification.sources",
                _ when ping.Notification.Sources.Any(s => s is null) => at + ".notification.sources[]",
                _ => null,
            };
            if (missing is not null)
            {
                return missing;
            }
        }

        return null;
    }

    private static bool IsJson(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        try
        {
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
