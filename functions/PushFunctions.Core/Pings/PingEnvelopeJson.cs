using System.Text.Json;
using System.Text.Json.Serialization;

namespace PushFunctions.Core.Pings;

/// <summary>The envelope's wire form on the queue. Source-generated: the accept path serialises thousands per second.</summary>
public static class PingEnvelopeJson
{
    public static byte[] Serialize(PingEnvelope envelope) =>
        JsonSerializer.SerializeToUtf8Bytes(envelope, PingEnvelopeJsonContext.Default.PingEnvelope);

    /// <exception cref="JsonException">The text is not an envelope.</exception>
    public static PingEnvelope Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        var envelope = JsonSerializer.Deserialize(utf8Json, PingEnvelopeJsonContext.Default.PingEnvelope);
        if (envelope is null || string.IsNullOrEmpty(envelope.Id) || envelope.Pings is null)
        {
            throw new JsonException("The message is not a ping envelope.");
        }

        return envelope;
    }
}
