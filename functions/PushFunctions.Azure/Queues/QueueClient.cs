using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using PushFunctions.Azure.Storage;

namespace PushFunctions.Azure.Queues;

/// <summary>
/// One queue of Azure Queue Storage (or Azurite), over the Queue REST API on an Azure.Core pipeline.
/// Names and shapes follow Azure.Storage.Queues so callers can move to the SDK unchanged.
/// </summary>
public partial class QueueClient
{
    /// <summary>A version every Azure region serves.</summary>
    private const string ServiceVersion = "2025-05-05";

    private const int MaxMessagesPerCall = 32;
    private static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromDays(7);

    private readonly HttpPipeline _pipeline;
    private readonly QueueMessageEncoding _encoding;

    public QueueClient(Uri queueUri, StorageSharedKeyCredential credential, QueueClientOptions? options = null)
        : this(queueUri, options ?? new QueueClientOptions(), o => StoragePipeline.Build(o, credential, StorageService.Queue, ServiceVersion))
    {
    }

    public QueueClient(Uri queueUri, TokenCredential credential, QueueClientOptions? options = null)
        : this(queueUri, options ?? new QueueClientOptions(), o => StoragePipeline.Build(o, credential, ServiceVersion))
    {
    }

    public QueueClient(string connectionString, string queueName, QueueClientOptions? options = null)
        : this(StorageConnectionString.Parse(connectionString), queueName, options)
    {
    }

    private QueueClient(StorageConnectionString connectionString, string queueName, QueueClientOptions? options)
        : this(QueueUri(connectionString.QueueEndpoint, queueName), connectionString.CreateSharedKeyCredential(), options)
    {
    }

    private QueueClient(Uri queueUri, QueueClientOptions options, Func<QueueClientOptions, HttpPipeline> buildPipeline)
    {
        ArgumentNullException.ThrowIfNull(queueUri);
        string name = queueUri.AbsolutePath.TrimEnd('/').Split('/')[^1];
        if (!QueueNamePattern().IsMatch(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a queue name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.", nameof(queueUri));
        }

        Uri = queueUri;
        Name = name;
        _encoding = options.MessageEncoding;
        _pipeline = buildPipeline(options);
    }

    public Uri Uri { get; }

    public string Name { get; }

    /// <summary>Creates the queue; a queue that already exists counts as success.</summary>
    public async Task<Response> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = CreateMessage(RequestMethod.Put, Uri);
        Response response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status == 409 && ErrorCode(response) == "QueueAlreadyExists" ? response : EnsureSuccess(response);
    }

    /// <summary>Deletes the queue and its messages; true when it existed.</summary>
    public async Task<Response<bool>> DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = CreateMessage(RequestMethod.Delete, Uri);
        Response response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status == 404
            ? Response.FromValue(false, response)
            : Response.FromValue(true, EnsureSuccess(response));
    }

    /// <summary>
    /// Adds a message, invisible for <paramref name="visibilityTimeout"/> (default: visible at once) and kept for
    /// <paramref name="timeToLive"/> (default 7 days; <see cref="Timeout.InfiniteTimeSpan"/> keeps it until received and deleted).
    /// </summary>
    /// <exception cref="ArgumentException">The encoded message is over 64 KiB; nothing was sent.</exception>
    public async Task<Response<SendReceipt>> SendMessageAsync(string messageText, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageText);
        string queuedText = QueueMessageCodec.Encode(messageText, _encoding);
        using HttpMessage message = CreateMessage(RequestMethod.Post, Uri, "/messages");
        if (visibilityTimeout is not null)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(visibilityTimeout.Value, nameof(visibilityTimeout)));
        }

        if (timeToLive is not null)
        {
            message.Request.Uri.AppendQuery("messagettl", TimeToLiveSeconds(timeToLive.Value));
        }

        SetMessageContent(message.Request, queuedText);
        Response response = EnsureSuccess(await SendAsync(message, cancellationToken).ConfigureAwait(false));
        XElement sent = QueueMessageXml.Messages(response.Content.ToString()).FirstOrDefault()
            ?? throw new RequestFailedException(response.Status, "The Queue service accepted a message but returned no receipt.");
        var receipt = new SendReceipt(
            QueueMessageXml.Required(sent, "MessageId"),
            QueueMessageXml.RequiredTime(sent, "InsertionTime"),
            QueueMessageXml.RequiredTime(sent, "ExpirationTime"),
            QueueMessageXml.Required(sent, "PopReceipt"),
            QueueMessageXml.RequiredTime(sent, "TimeNextVisible"));
        return Response.FromValue(receipt, response);
    }

    /// <summary>Receives up to <paramref name="maxMessages"/> (1 to 32, default 1) messages, hiding them for <paramref name="visibilityTimeout"/> (default 30 s).</summary>
    public async Task<Response<QueueMessage[]>> ReceiveMessagesAsync(int? maxMessages = null, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default)
    {
        using HttpMessage message = CreateMessage(RequestMethod.Get, Uri, "/messages");
        AppendMaxMessages(message.Request, maxMessages);
        if (visibilityTimeout is not null)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(visibilityTimeout.Value, nameof(visibilityTimeout)));
        }

        Response response = EnsureSuccess(await SendAsync(message, cancellationToken).ConfigureAwait(false));
        QueueMessage[] messages = QueueMessageXml.Messages(response.Content.ToString())
            .Select(m => new QueueMessage(
                QueueMessageXml.Required(m, "MessageId"),
                QueueMessageXml.Required(m, "PopReceipt"),
                QueueMessageCodec.Decode(m.Element("MessageText")?.Value ?? string.Empty, _encoding),
                QueueMessageXml.DequeueCount(m),
                QueueMessageXml.OptionalTime(m, "InsertionTime"),
                QueueMessageXml.OptionalTime(m, "ExpirationTime"),
                QueueMessageXml.OptionalTime(m, "TimeNextVisible")))
            .ToArray();
        return Response.FromValue(messages, response);
    }

    /// <summary>Looks at up to <paramref name="maxMessages"/> (1 to 32, default 1) visible messages without receiving them.</summary>
    public async Task<Response<PeekedMessage[]>> PeekMessagesAsync(int? maxMessages = null, CancellationToken cancellationToken = default)
    {
        using HttpMessage message = CreateMessage(RequestMethod.Get, Uri, "/messages");
        message.Request.Uri.AppendQuery("peekonly", "true");
        AppendMaxMessages(message.Request, maxMessages);
        Response response = EnsureSuccess(await SendAsync(message, cancellationToken).ConfigureAwait(false));
        PeekedMessage[] messages = QueueMessageXml.Messages(response.Content.ToString())
            .Select(m => new PeekedMessage(
                QueueMessageXml.Required(m, "MessageId"),
                QueueMessageCodec.Decode(m.Element("MessageText")?.Value ?? string.Empty, _encoding),
                QueueMessageXml.DequeueCount(m),
                QueueMessageXml.OptionalTime(m, "InsertionTime"),
                QueueMessageXml.OptionalTime(m, "ExpirationTime")))
            .ToArray();
        return Response.FromValue(messages, response);
    }

    /// <summary>Deletes a received message; fails with 404 MessageNotFound when the pop receipt is stale or the message is gone.</summary>
    public async Task<Response> DeleteMessageAsync(string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        using HttpMessage message = CreateMessage(RequestMethod.Delete, Uri, MessagePath(messageId));
        message.Request.Uri.AppendQuery("popreceipt", RequirePopReceipt(popReceipt));
        return EnsureSuccess(await SendAsync(message, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Changes a received message's visibility (and, when <paramref name="messageText"/> is given, its text).
    /// The old pop receipt stops working; use the one in the receipt.
    /// </summary>
    public async Task<Response<UpdateReceipt>> UpdateMessageAsync(string messageId, string popReceipt, string? messageText = null, TimeSpan visibilityTimeout = default, CancellationToken cancellationToken = default)
    {
        string? queuedText = messageText is null ? null : QueueMessageCodec.Encode(messageText, _encoding);
        using HttpMessage message = CreateMessage(RequestMethod.Put, Uri, MessagePath(messageId));
        message.Request.Uri.AppendQuery("popreceipt", RequirePopReceipt(popReceipt));
        message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(visibilityTimeout, nameof(visibilityTimeout)));
        if (queuedText is not null)
        {
            SetMessageContent(message.Request, queuedText);
        }

        Response response = EnsureSuccess(await SendAsync(message, cancellationToken).ConfigureAwait(false));
        if (!response.Headers.TryGetValue("x-ms-popreceipt", out string? newPopReceipt)
            || !response.Headers.TryGetValue("x-ms-time-next-visible", out string? nextVisible))
        {
            throw new RequestFailedException(response.Status, "The Queue service updated a message but returned no new pop receipt.");
        }

        return Response.FromValue(new UpdateReceipt(newPopReceipt, QueueMessageXml.ParseTime(nextVisible)), response);
    }

    /// <summary>The queue's metadata and approximate message count.</summary>
    public async Task<Response<QueueProperties>> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        using HttpMessage message = CreateMessage(RequestMethod.Get, Uri);
        message.Request.Uri.AppendQuery("comp", "metadata");
        Response response = EnsureSuccess(await SendAsync(message, cancellationToken).ConfigureAwait(false));
        int count = response.Headers.TryGetValue("x-ms-approximate-messages-count", out string? countText)
            && int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) ? parsed : 0;
        const string metadataPrefix = "x-ms-meta-";
        Dictionary<string, string> metadata = response.Headers
            .Where(h => h.Name.StartsWith(metadataPrefix, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Name[metadataPrefix.Length..], h => h.Value, StringComparer.OrdinalIgnoreCase);
        return Response.FromValue(new QueueProperties(count, metadata), response);
    }

    private static Uri QueueUri(Uri queueEndpoint, string queueName)
    {
        ArgumentNullException.ThrowIfNull(queueName);
        return new Uri($"{queueEndpoint.AbsoluteUri.TrimEnd('/')}/{Uri.EscapeDataString(queueName)}");
    }

    private HttpMessage CreateMessage(RequestMethod method, Uri queueUri, string path = "")
    {
        HttpMessage message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(queueUri);
        if (path.Length > 0)
        {
            message.Request.Uri.AppendPath(path, escape: false);
        }

        return message;
    }

    private async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return message.Response;
    }

    private static Response EnsureSuccess(Response response) =>
        response.IsError ? throw new RequestFailedException(response) : response;

    private static string? ErrorCode(Response response) =>
        response.Headers.TryGetValue("x-ms-error-code", out string? code) ? code : StorageErrorDetailsParser.ReadBody(response).Code;

    private static void SetMessageContent(Request request, string queuedText)
    {
        request.Headers.SetValue(HttpHeader.Names.ContentType, "application/xml; charset=utf-8");
        request.Content = RequestContent.Create(QueueMessageXml.MessageBody(queuedText));
    }

    private static void AppendMaxMessages(Request request, int? maxMessages)
    {
        if (maxMessages is null)
        {
            return;
        }

        if (maxMessages is < 1 or > MaxMessagesPerCall)
        {
            throw new ArgumentOutOfRangeException(nameof(maxMessages), maxMessages, $"A call handles 1 to {MaxMessagesPerCall} messages.");
        }

        request.Uri.AppendQuery("numofmessages", maxMessages.Value.ToString(CultureInfo.InvariantCulture));
    }

    private static string MessagePath(string messageId)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        return "/messages/" + Uri.EscapeDataString(messageId);
    }

    private static string RequirePopReceipt(string popReceipt)
    {
        ArgumentException.ThrowIfNullOrEmpty(popReceipt);
        return popReceipt;
    }

    /// <summary>Whole seconds from 0 to 7 days: the service's range for visibility timeouts.</summary>
    private static string Seconds(TimeSpan value, string parameterName)
    {
        if (value < TimeSpan.Zero || value > MaxVisibilityTimeout)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "A visibility timeout is between 0 and 7 days.");
        }

        return ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>-1 means never expire; otherwise at least one second.</summary>
    private static string TimeToLiveSeconds(TimeSpan value)
    {
        if (value == Timeout.InfiniteTimeSpan)
        {
            return "-1";
        }

        if (value < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A time-to-live is at least one second, or Timeout.InfiniteTimeSpan for never.");
        }

        return ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex QueueNamePattern();
}
