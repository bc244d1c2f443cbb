using PushFunctions.Core.Contract;

namespace PushFunctions.Gateway.Api;

/// <summary>The merged parameters of a request (query string, then the body, which wins), or why they could not be read.</summary>
public sealed record RequestParameters(IReadOnlyDictionary<string, ParameterValue> Values, RequestRejection? Rejection)
{
    public string? Text(string name) =>
        Values.TryGetValue(name, out var value) && value.IsScalarText ? value.Text : null;
}
