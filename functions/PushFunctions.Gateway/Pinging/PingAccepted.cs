using System.Text.Json.Serialization;

namespace PushFunctions.Gateway.Pinging;

/// <summary>The 200 answer to a ping. The original answered an empty body; clients ignore this one.</summary>
public sealed record PingAccepted([property: JsonPropertyName("ping_id")] string PingId);
