using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PushFunctions.Import.Source;

/// <summary>
/// The read side of RhoConnect's REST API (version 7, <c>/rc/v1</c>), as an API-token caller uses it: the users, a
/// user's client ids, a client's fields. The gateway serves the same routes, so another gateway can be read the same
/// way. Answers are parsed as JSON whatever their Content-Type: RhoConnect's Sinatra handlers return JSON text without
/// setting one, which Sinatra sends as text/html. Failures are <see cref="RequestFailedException"/>s carrying the status;
/// an answer that is not the JSON the route documents is a <see cref="JsonException"/>.
/// </summary>
public class RhoConnectClient
{
    private readonly HttpPipeline _pipeline;

    public RhoConnectClient(Uri endpoint, string apiToken, RhoConnectClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiToken);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("The RhoConnect server's address is an absolute http:// or https:// URL.", nameof(endpoint));
        }

        Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/");
        var pipelineOptions = new HttpPipelineOptions(options ?? new RhoConnectClientOptions())
        {
            ResponseClassifier = RhoConnectResponseClassifier.Instance,
        };
        pipelineOptions.PerCallPolicies.Add(new ApiTokenPolicy(apiToken));
        _pipeline = HttpPipelineBuilder.Build(pipelineOptions);
    }

    /// <summary>The server's root (with a trailing slash): RhoConnect's routes are below it.</summary>
    public Uri Endpoint { get; }

    /// <summary><c>GET /rc/v1/users</c>: every user's login.</summary>
    public virtual Task<Response<IReadOnlyList<string>>> GetUsersAsync(CancellationToken cancellationToken = default) =>
        GetIdsAsync(["rc", "v1", "users"], cancellationToken);

    /// <summary><c>GET /rc/v1/users/{user_id}/clients</c>: the ids of the user's clients.</summary>
    public virtual Task<Response<IReadOnlyList<string>>> GetClientIdsAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return GetIdsAsync(["rc", "v1", "users", userId, "clients"], cancellationToken);
    }

    /// <summary><c>GET /rc/v1/clients/{client_id}</c>: the client's fields, a list of <c>{"name","value","type"}</c>.</summary>
    public virtual Task<Response<ClientParameters>> GetClientAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        return GetAsync(["rc", "v1", "clients", clientId], ParseClient, cancellationToken);
    }

    private Task<Response<IReadOnlyList<string>>> GetIdsAsync(string[] path, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<string>>(path, ParseIds, cancellationToken);

    private async Task<Response<T>> GetAsync<T>(string[] path, Func<JsonElement, T> parse, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(Endpoint);
        // Below the endpoint's own path (it ends with '/'), each segment escaped: logins may hold any character.
        for (var i = 0; i < path.Length; i++)
        {
            message.Request.Uri.AppendPath(i == 0 ? string.Empty : "/", escape: false);
            message.Request.Uri.AppendPath(path[i], escape: true);
        }

        message.Request.Headers.SetValue(HttpHeader.Names.Accept, "application/json");
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (response.IsError)
        {
            throw new RequestFailedException(response);
        }

        using var document = JsonDocument.Parse(response.Content);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("The answer is not a JSON array.");
        }

        return Response.FromValue(parse(document.RootElement), response);
    }

    private static IReadOnlyList<string> ParseIds(JsonElement array)
    {
        var ids = new List<string>(array.GetArrayLength());
        foreach (var id in array.EnumerateArray())
        {
            ids.Add(id.ValueKind == JsonValueKind.String ? id.GetString()! : throw new JsonException("The list holds something other than string ids."));
        }

        return ids;
    }

    private static ClientParameters ParseClient(JsonElement array)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var field in array.EnumerateArray())
        {
            if (field.ValueKind != JsonValueKind.Object
                || !field.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw new JsonException("A client's fields are objects with a \"name\".");
            }

            values[name.GetString()!] = field.TryGetProperty("value", out var value) ? Text(value) : null;
        }

        return new ClientParameters(values);
    }

    /// <summary>Values are strings or null; a number or boolean (a field of another type) keeps its JSON text.</summary>
    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };
}
