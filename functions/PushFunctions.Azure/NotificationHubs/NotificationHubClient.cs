using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PushFunctions.Azure.NotificationHubs;

/// <summary>
/// One notification hub, over the Notification Hubs REST API on an Azure.Core pipeline: direct send to one device
/// handle and direct batch send to up to 1,000 handles, the two sends the gateway makes, and a sent notification's
/// per-message telemetry with its PNS error details (Microsoft.Azure.NotificationHubs cannot be installed here). Names
/// follow that SDK so callers can move to it unchanged. Failures are <see cref="RequestFailedException"/>s carrying the
/// status and a <see cref="NotificationHubErrorCode"/>.
/// </summary>
public class NotificationHubClient
{
    /// <summary>The REST version the current SDKs speak (it carries the <c>fcmv1</c> format).</summary>
    public const string ApiVersion = "2020-06";

    /// <summary>The most handles one direct batch send may carry.</summary>
    public const int MaxBatchHandles = 1000;

    private const string FormatHeader = "ServiceBusNotification-Format";
    private const string DeviceHandleHeader = "ServiceBusNotification-DeviceHandle";
    private const string JsonContentType = "application/json;charset=utf-8";

    private readonly HttpPipeline _pipeline;
    private readonly HttpPipeline _errorDetailsPipeline;
    private readonly Uri _messagesUri;

    public NotificationHubClient(string connectionString, string hubName, NotificationHubClientOptions? options = null)
        : this(NotificationHubConnectionString.Parse(connectionString), hubName, options ?? new NotificationHubClientOptions())
    {
    }

    private NotificationHubClient(NotificationHubConnectionString connection, string hubName, NotificationHubClientOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hubName);
        HubName = hubName;
        // SAS tokens are signed for the hub's address.
        var hubUri = new Uri(connection.Endpoint, Uri.EscapeDataString(hubName));
        _messagesUri = new Uri(hubUri.AbsoluteUri + "/messages/");
        var pipelineOptions = new HttpPipelineOptions(options)
        {
            ResponseClassifier = NotificationHubResponseClassifier.Instance,
            RequestFailedDetailsParser = NotificationHubErrorDetailsParser.Instance,
        };
        pipelineOptions.PerRetryPolicies.Add(new SharedAccessSignaturePolicy(
            hubUri, connection.SharedAccessKeyName, connection.SharedAccessKey, options.TokenLifetime, options.TimeProvider));
        _pipeline = HttpPipelineBuilder.Build(pipelineOptions);
        // PNS error details live in a storage blob whose address carries its own SAS: the hub's signature must not go there.
        _errorDetailsPipeline = HttpPipelineBuilder.Build(options);
    }

    public string HubName { get; }

    /// <summary>Sends a native notification straight to one device handle (no registration needed).</summary>
    /// <param name="format">The ServiceBusNotification-Format: <c>apple</c>, <c>fcmv1</c>, <c>windows</c>, ...</param>
    /// <param name="body">The platform's payload, sent as UTF-8.</param>
    /// <param name="headers">Platform headers passed through (apns-push-type, apns-priority, X-WNS-Type, ...).</param>
    /// <param name="deviceHandle">The push service's handle for the device (APNs token, FCM registration token, WNS channel URI).</param>
    /// <param name="cancellationToken">Cancels the send, including waits between retries.</param>
    public virtual async Task<Response<NotificationHubSendReceipt>> SendDirectNotificationAsync(
        string format, string body, IReadOnlyDictionary<string, string>? headers, string deviceHandle, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceHandle);
        using var message = CreateSend(format, headers, "direct");
        message.Request.Headers.SetValue(DeviceHandleHeader, deviceHandle);
        SetBody(message.Request, ContentTypeFor(format, headers), Encoding.UTF8.GetBytes(body ?? throw new ArgumentNullException(nameof(body))));
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return Response.FromValue(ReceiptOf(response), response);
    }

    /// <summary>Sends one native notification straight to up to 1,000 device handles in one multipart request.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No handles, or more than 1,000; nothing was sent.</exception>
    public virtual async Task<Response<NotificationHubSendReceipt>> SendDirectBatchAsync(
        string format, string body, IReadOnlyDictionary<string, string>? headers, IReadOnlyCollection<string> deviceHandles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(deviceHandles);
        if (deviceHandles.Count is 0 or > MaxBatchHandles)
        {
            throw new ArgumentOutOfRangeException(nameof(deviceHandles), deviceHandles.Count, $"A direct batch send carries 1 to {MaxBatchHandles} handles.");
        }

        using var message = CreateSend(format, headers, "direct", batch: true);
        var (contentType, content) = DirectBatchContent.Create(ContentTypeFor(format, headers), body, deviceHandles);
        SetBody(message.Request, contentType, content);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return Response.FromValue(ReceiptOf(response), response);
    }

    /// <summary>
    /// Reads a sent notification's per-message telemetry (Standard tier only; lower tiers answer 403). The hub answers
    /// 404 until it has processed the notification, which the REST reference says may last up to 30 minutes.
    /// </summary>
    /// <param name="notificationId">The id from the send's Location header (<see cref="NotificationHubSendReceipt.NotificationId"/>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public virtual async Task<Response<NotificationDetails>> GetNotificationOutcomeDetailsAsync(string notificationId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(notificationId);
        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(_messagesUri, Uri.EscapeDataString(notificationId)));
        message.Request.Uri.AppendQuery("api-version", ApiVersion);
        message.Request.Headers.SetValue("x-ms-version", ApiVersion);
        var response = await SendAsync(message, cancellationToken).ConfigureAwait(false);
        return Response.FromValue(NotificationDetails.Parse(response.Content.ToString()), response);
    }

    /// <summary>
    /// Reads the PNS error details blob a notification's telemetry points at (<see cref="NotificationDetails.PnsErrorDetailsUri"/>):
    /// one entry per handle a push service refused. The blob's address carries its own SAS; no hub signature is sent.
    /// </summary>
    public virtual async Task<Response<IReadOnlyList<PnsFeedback>>> GetPnsErrorDetailsAsync(Uri pnsErrorDetailsUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pnsErrorDetailsUri);
        using var message = _errorDetailsPipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(pnsErrorDetailsUri);
        await _errorDetailsPipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        return response.Status == 200
            ? Response.FromValue(PnsFeedback.ParseLines(response.Content.ToString()), response)
            : throw new RequestFailedException(response);
    }

    private HttpMessage CreateSend(string format, IReadOnlyDictionary<string, string>? headers, string mode, bool batch = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(format);
        var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(batch ? new Uri(_messagesUri, "$batch") : _messagesUri);
        request.Uri.AppendQuery(mode, "true");
        request.Uri.AppendQuery("api-version", ApiVersion);
        request.Headers.SetValue("x-ms-version", ApiVersion);
        request.Headers.SetValue(FormatHeader, format);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.SetValue(name, value);
        }

        return message;
    }

    private static void SetBody(Request request, string contentType, byte[] content)
    {
        request.Headers.SetValue(HttpHeader.Names.ContentType, contentType);
        request.Content = RequestContent.Create(content);
    }

    /// <summary>WNS raw notifications are opaque bytes; other WNS types are XML; every other platform takes JSON.</summary>
    private static string ContentTypeFor(string format, IReadOnlyDictionary<string, string>? headers)
    {
        if (format != "windows")
        {
            return JsonContentType;
        }

        var wnsType = headers?.FirstOrDefault(h => h.Key.Equals("X-WNS-Type", StringComparison.OrdinalIgnoreCase)).Value;
        return wnsType == "wns/raw" ? "application/octet-stream" : "application/xml";
    }

    private async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        return response.Status is 200 or 201 ? response : throw new RequestFailedException(response);
    }

    /// <summary>The Location header is <c>{hub}/messages/{notification id}?api-version=...</c>.</summary>
    private static NotificationHubSendReceipt ReceiptOf(Response response)
    {
        string? notificationId = null;
        if (response.Headers.TryGetValue("Location", out var location) && Uri.TryCreate(location, UriKind.Absolute, out var locationUri))
        {
            var path = locationUri.AbsolutePath;
            var marker = path.LastIndexOf("/messages/", StringComparison.OrdinalIgnoreCase);
            var id = marker < 0 ? string.Empty : path[(marker + "/messages/".Length)..].Trim('/');
            notificationId = id.Length > 0 ? Uri.UnescapeDataString(id) : null;
        }

        response.Headers.TryGetValue("TrackingId", out var trackingId);
        return new NotificationHubSendReceipt(notificationId, trackingId);
    }
}
