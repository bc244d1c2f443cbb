using System.Globalization;
using System.Text.Json;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// One invocation of a queue-triggered function as the Functions host POSTs it to a custom handler
/// (docs/functions-host.md names the host source of each part): <c>{"Data":{"message":"&lt;base64&gt;"},"Metadata":{...}}</c>.
/// The delivery functions bind with <c>"dataType": "binary"</c>, so <c>Data.message</c> is the message's bytes in base64,
/// whatever they are (JSON, text, anything). Every scalar in <c>Metadata</c> is the host's JSON serialization of the
/// value, carried as a string: <c>"DequeueCount":"3"</c>, <c>"MessageId":"\"abc\""</c>; objects
/// (<c>ApplicationProperties</c>) arrive as objects.
/// </summary>
public sealed class HostInvocation
{
    private readonly JsonElement _metadata;

    private HostInvocation(byte[] message, JsonElement metadata)
    {
        Message = message;
        _metadata = metadata;
    }

    /// <summary>The message body, exactly as it was enqueued.</summary>
    public byte[] Message { get; }

    /// <returns>The invocation, or the reason it is not one the host sends for our function.json.</returns>
    public static async Task<(HostInvocation? Invocation, string? Refusal)> ReadAsync(HttpRequest request, string binding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            // The host sends the body chunked, without Content-Length: read it to the end, whatever its framing.
            using var invocation = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
            var root = invocation.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty(binding, out var trigger))
            {
                return (null, $"The invocation has no Data.{binding}.");
            }

            if (trigger.ValueKind != JsonValueKind.String || !trigger.TryGetBytesFromBase64(out var message))
            {
                return (null, $"Data.{binding} is not base64: the function's binding must say \"dataType\": \"binary\".");
            }

            var metadata = root.TryGetProperty("Metadata", out var found) && found.ValueKind == JsonValueKind.Object ? found.Clone() : default;
            return (new HostInvocation(message, metadata), null);
        }
        catch (JsonException)
        {
            return (null, "The invocation payload is not JSON.");
        }
    }

    /// <summary>A count the host sends as a string ("DequeueCount":"3"); 1 when absent.</summary>
    public long Count(string name) =>
        Scalar(name) is { } text && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;

    /// <summary>A scalar metadata value with the host's JSON serialization undone ("\"abc\"" is abc), or null.</summary>
    public string? Scalar(string name)
    {
        if (_metadata.ValueKind != JsonValueKind.Object || !_metadata.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = value.GetString()!;
        if (text.StartsWith('"'))
        {
            try
            {
                return JsonSerializer.Deserialize<string>(text);
            }
            catch (JsonException)
            {
                return text;
            }
        }

        return text;
    }

    /// <summary>
    /// A Service Bus message's application property (e.g. DeadLetterReason, which the broker sets on a dead-lettered
    /// message): the host sends ApplicationProperties, and the same object again as UserProperties, as a JSON object.
    /// </summary>
    public string? ApplicationProperty(string name)
    {
        foreach (var bag in (string[])["ApplicationProperties", "UserProperties"])
        {
            if (_metadata.ValueKind == JsonValueKind.Object
                && _metadata.TryGetProperty(bag, out var properties)
                && properties.ValueKind == JsonValueKind.Object
                && properties.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.String
                && value.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }

        return null;
    }
}
