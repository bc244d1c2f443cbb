using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PushFunctions.Azure.ServiceBus;

/// <summary>
/// Sends to one queue or topic: Send Message (<c>POST {entity}/messages</c>, the body as is, broker properties in the
/// BrokerProperties header) and Send Message Batch (the same URI, a JSON array, application/vnd.microsoft.servicebus.json).
/// </summary>
public partial class ServiceBusSender
{
    /// <summary>The batch content type, exactly: the service takes it with parameters (charset) as a single message.</summary>
    public const string BatchContentType = "application/vnd.microsoft.servicebus.json";

    private readonly HttpPipeline _pipeline;
    private readonly int _maxMessageSizeInBytes;

    internal ServiceBusSender(ServiceBusClient client, string entityPath, Func<Uri, HttpPipeline> buildPipeline, int maxMessageSizeInBytes)
    {
        ArgumentNullException.ThrowIfNull(entityPath);
        if (!EntityPathPattern().IsMatch(entityPath))
        {
            throw new ArgumentException($"'{entityPath}' is not a queue or topic name: letters, digits, '.', '-', '_' and '/' separators, up to 260 characters.", nameof(entityPath));
        }

        FullyQualifiedNamespace = client.FullyQualifiedNamespace;
        EntityPath = entityPath;
        var entity = new Uri(client.Endpoint, entityPath);
        Uri = new Uri(entity.AbsoluteUri + "/messages");
        _pipeline = buildPipeline(entity);
        _maxMessageSizeInBytes = maxMessageSizeInBytes;
    }

    public string FullyQualifiedNamespace { get; }

    public string EntityPath { get; }

    /// <summary>Where messages are posted: <c>{endpoint}/{entity}/messages</c>.</summary>
    public Uri Uri { get; }

    /// <summary>Sends one message; its body goes as is, so any bytes may travel this way.</summary>
    /// <exception cref="ArgumentException">The message is over the size limit; nothing was sent.</exception>
    /// <exception cref="RequestFailedException">The service refused the message, or stayed unreachable through the retries.</exception>
    public async Task<Response> SendMessageAsync(ServiceBusMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var brokerProperties = BrokerPropertiesJson.HasAny(message) ? BrokerPropertiesJson.ToHeaderValue(message) : null;
        var size = message.Body.ToMemory().Length + (brokerProperties?.Length ?? 0);
        if (size > _maxMessageSizeInBytes)
        {
            throw new ArgumentException($"The message is {size} bytes with its broker properties; the limit is {_maxMessageSizeInBytes}.", nameof(message));
        }

        using var request = CreatePost();
        request.Request.Headers.SetValue(HttpHeader.Names.ContentType, "application/octet-stream");
        if (brokerProperties is not null)
        {
            request.Request.Headers.SetValue("BrokerProperties", brokerProperties);
        }

        request.Request.Content = RequestContent.Create(message.Body.ToMemory());
        return await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends the messages in one batch request.</summary>
    /// <exception cref="ArgumentException">There are none, or together they are over the size limit; nothing was sent.</exception>
    /// <exception cref="RequestFailedException">The service refused the batch, or stayed unreachable through the retries.</exception>
    public async Task<Response> SendMessagesAsync(IEnumerable<ServiceBusMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var batch = await CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
        foreach (var message in messages)
        {
            if (!batch.TryAddMessage(message))
            {
                throw new ArgumentException($"The messages do not fit one batch of {batch.MaxSizeInBytes} bytes; split them with CreateMessageBatchAsync.", nameof(messages));
            }
        }

        return await SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="SendMessagesAsync(IEnumerable{ServiceBusMessage}, CancellationToken)"/>
    public async Task<Response> SendMessagesAsync(ServiceBusMessageBatch messageBatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageBatch);
        if (messageBatch.Count == 0)
        {
            throw new ArgumentException("The batch has no messages.", nameof(messageBatch));
        }

        using var request = CreatePost();
        request.Request.Headers.SetValue(HttpHeader.Names.ContentType, BatchContentType);
        request.Request.Content = RequestContent.Create(messageBatch.ToRequestBody());
        return await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An empty batch sized to the namespace's limit; fill it with <see cref="ServiceBusMessageBatch.TryAddMessage"/>.</summary>
    public ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new ServiceBusMessageBatch(_maxMessageSizeInBytes));

    private HttpMessage CreatePost()
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Post;
        message.Request.Uri.Reset(Uri);
        return message;
    }

    private async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        return response.IsError ? throw new RequestFailedException(response) : response;
    }

    [GeneratedRegex(@"^(?=.{1,260}$)[A-Za-z0-9][A-Za-z0-9._\-]*(/[A-Za-z0-9][A-Za-z0-9._\-]*)*$")]
    private static partial Regex EntityPathPattern();
}
