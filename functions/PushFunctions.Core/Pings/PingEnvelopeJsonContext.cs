using System.Text.Json.Serialization;

namespace PushFunctions.Core.Pings;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PingEnvelope))]
internal sealed partial class PingEnvelopeJsonContext : JsonSerializerContext;
