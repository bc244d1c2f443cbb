using System.Text.Json.Serialization;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// The custom-handler answer to the Functions host: no output bindings; <see cref="Logs"/> the host writes as the
/// invocation's own log lines (DefaultHttpWorkerService.ProcessLogsFromHttpResponse), beside the function's name and id.
/// </summary>
public sealed record InvocationResult
{
    [JsonPropertyName("Outputs")]
    public IReadOnlyDictionary<string, object?> Outputs { get; init; } = new Dictionary<string, object?>();

    [JsonPropertyName("Logs")]
    public IReadOnlyList<string> Logs { get; init; } = [];

    [JsonPropertyName("ReturnValue")]
    public object? ReturnValue { get; init; }
}
