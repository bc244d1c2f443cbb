using System.Text.Json.Serialization;

namespace PushFunctions.Core.Pings;

/// <summary>
/// One accepted ping: who to notify and what to tell their devices. <see cref="TraceParent"/> and
/// <see cref="TraceState"/> are the W3C trace context of its accept, so its delivery joins the same trace across the
/// queue; absent when nobody traces.
/// </summary>
public sealed record Ping(
    string Id,
    IReadOnlyList<string> UserIds,
    Notification Notification,
    DateTimeOffset AcceptedAt,
    [property: JsonPropertyName("traceparent")] string? TraceParent = null,
    [property: JsonPropertyName("tracestate")] string? TraceState = null);
