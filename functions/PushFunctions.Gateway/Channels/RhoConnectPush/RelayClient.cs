using System.Net.Http.Headers;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PushFunctions.Gateway.Channels.RhoConnectPush;

/// <summary>
/// The backend side of the RPS protocol: POST {relay}/messageQueue/{token} with Basic app credentials. The body goes
/// out with Content-Type exactly "application/json": the original rhoconnect-push server answers 400 to a charset parameter.
/// </summary>
public sealed class RelayClient
{
    private readonly Uri _relay;
    private readonly string _authorization;
    private readonly HttpPipeline _pipeline;

    public RelayClient(Uri relay, string appName, string appPassword, RelayClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(relay);
        _relay = new Uri(relay.AbsoluteUri.TrimEnd('/') + "/");
        _authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(appName + ":" + appPassword));
        _pipeline = HttpPipelineBuilder.Build(options ?? new RelayClientOptions());
    }

    /// <summary>Queues a message for the device holding <paramref name="token"/>; answers the relay's response (any status).</summary>
    /// <exception cref="RequestFailedException">No answer from the relay, after the pipeline's retries.</exception>
    public async Task<Response> SendMessageAsync(string token, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        using var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(new Uri(_relay, "messageQueue/" + Uri.EscapeDataString(token)));
        request.Headers.SetValue(HttpHeader.Names.Authorization, _authorization);
        request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
        request.Content = RequestContent.Create(body);
        await _pipeline.SendAsync(message, cancellationToken);
        return message.Response;
    }
}
