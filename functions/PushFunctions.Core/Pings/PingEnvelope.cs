using System.Text.Json.Serialization;

namespace PushFunctions.Core.Pings;

/// <summary>
/// The unit put on the queue: several pings accepted within a few milliseconds travel together, because the
/// queue (Azurite locally, Service Bus credits in Azure) is far slower per message than the endpoint is per request.
/// Each ping keeps its own id, status and idempotent delivery. An envelope too large for one message is stored as a
/// blob and the message carries only its id (<see cref="Stored"/>, no pings). <see cref="TraceParent"/> is the W3C
/// trace context of the envelope's send, which each delivery attempt continues, retry messages included.
/// <see cref="AttemptsBefore"/> counts the delivery attempts made through earlier messages of the same envelope: a
/// retry is a new message sent with a delay, whose own delivery count starts again at one.
/// </summary>
public sealed record PingEnvelope(
    string Id,
    IReadOnlyList<Ping> Pings,
    bool Stored = false,
    [property: JsonPropertyName("traceparent")] string? TraceParent = null,
    int AttemptsBefore = 0);
