using System.Buffers;
using System.Text;
using System.Text.Json;

namespace PushFunctions.Azure.ServiceBus;

/// <summary>
/// Messages for one Send Message Batch request, sized as they are added so the request never exceeds the
/// namespace's limit: <c>[{"Body":"...","BrokerProperties":{...}}, ...]</c>, sent as application/vnd.microsoft.servicebus.json.
/// </summary>
public sealed class ServiceBusMessageBatch
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ArrayBufferWriter<byte> _entries = new();

    internal ServiceBusMessageBatch(long maxSizeInBytes)
    {
        MaxSizeInBytes = maxSizeInBytes;
    }

    public long MaxSizeInBytes { get; }

    /// <summary>The request body's size so far, brackets and separators included.</summary>
    public long SizeInBytes => _entries.WrittenCount + 2;

    public int Count { get; private set; }

    /// <summary>Adds the message when the request stays within <see cref="MaxSizeInBytes"/>; false (and nothing added) otherwise.</summary>
    /// <exception cref="ArgumentException">The body is not UTF-8 text, which is all a batch entry's Body string can carry.</exception>
    public bool TryAddMessage(ServiceBusMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string body;
        try
        {
            body = StrictUtf8.GetString(message.Body.ToMemory().Span);
        }
        catch (DecoderFallbackException e)
        {
            throw new ArgumentException("A batched message's body must be UTF-8 text; send binary bodies with SendMessageAsync.", nameof(message), e);
        }

        var entry = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(entry))
        {
            writer.WriteStartObject();
            writer.WriteString("Body", body);
            if (BrokerPropertiesJson.HasAny(message))
            {
                writer.WritePropertyName("BrokerProperties");
                BrokerPropertiesJson.Write(writer, message);
            }

            writer.WriteEndObject();
        }

        var separator = Count == 0 ? 0 : 1;
        if (SizeInBytes + separator + entry.WrittenCount > MaxSizeInBytes)
        {
            return false;
        }

        if (separator == 1)
        {
            _entries.Write(","u8);
        }

        _entries.Write(entry.WrittenSpan);
        Count++;
        return true;
    }

    internal byte[] ToRequestBody()
    {
        var body = new byte[SizeInBytes];
        body[0] = (byte)'[';
        _entries.WrittenSpan.CopyTo(body.AsSpan(1));
        body[^1] = (byte)']';
        return body;
    }
}
