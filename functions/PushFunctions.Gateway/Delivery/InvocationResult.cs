using System.Text.Json.Serialization;

namespace PushFunctions.Gateway.Delivery;

/// <summary>The custom-handler answer to the Functions host: no output bindings, nothing to log through the host.</summary>
public sealed record InvocationResult
{
    [JsonPropertyName("Outputs")]
    public IReadOnlyDictionary<string, object?> Outputs { get; init; } = new Dictionary<string, object?>();

    [JsonPropertyName("Logs")]
    public IReadOnlyList<string> Logs { get; init; } = [];

    [JsonPropertyName("ReturnValue")]
    public object? ReturnValue { get; init; }
}
