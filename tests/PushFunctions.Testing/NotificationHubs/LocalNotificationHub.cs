using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using PushFunctions.Testing.Http;
using PushFunctions.Testing.Security;

namespace PushFunctions.Testing.NotificationHubs;

/// <summary>
/// A local Notification Hubs namespace on Kestrel (127.0.0.1, free port) implementing the send routes of the REST
/// API, per-message telemetry and PNS error details, and rejecting what the real service rejects: a missing, wrong,
/// expired or mis-addressed SAS token, a missing api-version, a missing or unknown ServiceBusNotification-Format, a
/// direct send without a device handle, a batch of more than 1,000 handles or a malformed multipart body, a hub the
/// namespace does not have (404), a push beyond the quota (403), what its <see cref="Tier"/> lacks (batch send on
/// Free, notification ids and telemetry below Standard). A direct send is answered 201 whatever the push service
/// later makes of the handle, as the service does: <see cref="ReportPnsError"/> makes a handle's refusal show where
/// the service shows it, in the notification's telemetry and error details. It records every accepted notification
/// per device and can be told to answer a status (with Retry-After and a detail) on a route. No per-request logging:
/// it keeps up with a benchmark.
/// </summary>
public sealed class LocalNotificationHub : IAsyncDisposable
{
    public const string KeyName = "DefaultFullSharedAccessSignature";
    public const int MaxBatchHandles = 1000;

    /// <summary>Bodies above this size get 413, as the service answers for messages over 64 KB.</summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>The detail of the 403 the service answers a direct batch send to a Free-tier hub.</summary>
    public const string NotAvailableForTierDetail = "This operation is not available for your tier.";

    /// <summary>A 403 detail for quota (the REST reference documents 403 as "quota exceeded or message too large").</summary>
    public const string QuotaExceededDetail = "Quota exceeded: the namespace has used the pushes its tier includes.";

    /// <summary>A 403 detail for a message too large for its push service.</summary>
    public const string MessageTooLargeDetail = "The message is too large for its push service and was rejected.";

    /// <summary>Where the local stand-in of the storage account keeps PNS error details blobs.</summary>
    private const string ErrorDetailsPath = "pnserrors";

    private static readonly HashSet<string> KnownFormats = new(StringComparer.Ordinal)
    {
        "apple", "fcmv1", "gcm", "windows", "windowsphone", "adm", "baidu", "nokiax", "browser", "xiaomi", "template",
    };

    private readonly HashSet<string> _hubs;
    private readonly ConcurrentQueue<ReceivedNotification> _received = new();
    private readonly ConcurrentDictionary<string, string> _pnsErrors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SentNotification> _sent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<HubRoute, ScriptedAnswer> _routeAnswers = new();
    private readonly Lock _quota = new();
    private readonly ConcurrentDictionary<HubRoute, int> _requests = new();
    private LoopbackHttpServer _server = null!;
    private long _nextId;
    private long _acceptedHandles;

    private LocalNotificationHub(IEnumerable<string> hubs)
    {
        _hubs = new HashSet<string>(hubs, StringComparer.OrdinalIgnoreCase);
        Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>The namespace's full-access key (a fresh random one per server).</summary>
    public string Key { get; }

    /// <summary>The namespace root, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Endpoint => _server.BaseAddress;

    /// <summary>The access-policy connection string a client uses to reach this namespace.</summary>
    public string ConnectionString => ConnectionStringWithKey(Key);

    /// <summary>The namespace's tier (Standard unless told otherwise); it can be changed while running, as a namespace's can.</summary>
    public HubTier Tier { get; set; } = HubTier.Standard;

    /// <summary>Pushes (one per device) the namespace may still make; null for no limit. A send beyond it is answered 403 quota.</summary>
    public long? PushesLeft { get; set; }

    /// <summary>While set, telemetry is answered 404 as for a notification the hub has not processed far enough.</summary>
    public bool HoldTelemetry { get; set; }

    /// <summary>
    /// Accepted handles beyond this many are recorded at once but answered only after <see cref="SlowAnswerDelay"/>: a hub
    /// that has taken the notification while its answer is slow to come back, the window in which a sender can die between
    /// a send and its record. Checked per request, so raising it again answers later requests promptly.
    /// </summary>
    public long HandlesAnsweredPromptly { get; set; } = long.MaxValue;

    /// <summary>How long an answer beyond <see cref="HandlesAnsweredPromptly"/> takes (unless the caller goes away first).</summary>
    private static readonly TimeSpan SlowAnswerDelay = TimeSpan.FromMinutes(2);

    /// <summary>Every accepted notification, one entry per device, in arrival order.</summary>
    public IReadOnlyCollection<ReceivedNotification> Received => _received;

    public static async Task<LocalNotificationHub> StartAsync(params string[] hubs)
    {
        var hub = new LocalNotificationHub(hubs.Length == 0 ? ["hub"] : hubs);
        hub._server = await LoopbackHttpServer.StartAsync(hub.HandleAsync);
        return hub;
    }

    /// <summary>A connection string for this namespace with another key (to be rejected).</summary>
    public string ConnectionStringWithKey(string key) =>
        $"Endpoint={Endpoint};SharedAccessKeyName={KeyName};SharedAccessKey={key}";

    /// <summary>Requests that reached a route, whatever the answer (unauthenticated ones included).</summary>
    public int RequestCount(HubRoute route) => _requests.GetValueOrDefault(route);

    /// <summary>
    /// The push service will refuse <paramref name="handle"/> with <paramref name="pnsError"/> (a PnsError name:
    /// <c>ExpiredChannel</c>, <c>BadChannel</c>, <c>WrongToken</c>, ...). Sends to it are still accepted (201); the refusal
    /// shows in the telemetry and error details of the notifications sent to it, and in test send results.
    /// </summary>
    public void ReportPnsError(string handle, string pnsError) => _pnsErrors[handle] = pnsError;

    /// <summary>
    /// The next <paramref name="times"/> authorized requests on <paramref name="route"/> get <paramref name="status"/>,
    /// with <paramref name="detail"/> as the error's detail ("" for no body).
    /// </summary>
    public void AnswerForRoute(HubRoute route, int status, TimeSpan? retryAfter = null, int times = int.MaxValue, string? detail = null) =>
        _routeAnswers[route] = new ScriptedAnswer(status, retryAfter, times, detail);

    /// <summary>Requests on <paramref name="route"/> are accepted again (the end of an outage).</summary>
    public void StopAnswering(HubRoute route) => _routeAnswers.TryRemove(route, out _);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? string.Empty;
        if (path.StartsWith($"/{ErrorDetailsPath}/", StringComparison.Ordinal))
        {
            await AnswerErrorDetailsAsync(context);
            return;
        }

        var segments = path.Trim('/').Split('/');
        if (HttpMethods.IsPost(request.Method) && segments is [_, "messages"] && !request.Query.ContainsKey("direct"))
        {
            await ErrorAsync(context, 400, "Only direct and direct batch sends are implemented by the local hub.");
            return;
        }

        var route = (request.Method, segments) switch
        {
            ("POST", [_, "messages"]) => HubRoute.DirectSend,
            ("POST", [_, "messages", "$batch"]) => HubRoute.DirectBatchSend,
            ("GET", [_, "messages", var id]) when id.Length > 0 && id != "$batch" => HubRoute.NotificationTelemetry,
            _ => (HubRoute?)null,
        };
        if (route is null)
        {
            await ErrorAsync(context, 404, "No message branch at the URI.");
            return;
        }

        if (route == HubRoute.DirectBatchSend && !request.Query.ContainsKey("direct"))
        {
            await ErrorAsync(context, 400, "A batch send must be a direct send.");
            return;
        }

        if (string.IsNullOrEmpty(request.Query["api-version"]))
        {
            await ErrorAsync(context, 400, "The api-version query parameter is required.");
            return;
        }

        _requests.AddOrUpdate(route.Value, 1, (_, n) => n + 1);
        var resource = $"{Endpoint.GetLeftPart(UriPartial.Authority)}{path}";
        var rejection = SasTokenCheck.Reject(request.Headers.Authorization, resource, KeyName, Key, DateTimeOffset.UtcNow);
        if (rejection is not null)
        {
            await ErrorAsync(context, 401, rejection);
            return;
        }

        var hub = Uri.UnescapeDataString(segments[0]);
        if (!_hubs.Contains(hub))
        {
            await ErrorAsync(context, 404, $"The messaging entity '{hub}' could not be found.");
            return;
        }

        if (_routeAnswers.TryGetValue(route.Value, out var routeAnswer) && routeAnswer.TryTake())
        {
            await ScriptedAsync(context, routeAnswer);
            return;
        }

        if (route == HubRoute.NotificationTelemetry)
        {
            await AnswerTelemetryAsync(context, hub, Uri.UnescapeDataString(segments[2]));
        }
        else
        {
            await AcceptSendAsync(context, hub, route.Value);
        }
    }

    private async Task AcceptSendAsync(HttpContext context, string hub, HubRoute route)
    {
        var request = context.Request;
        var format = request.Headers["ServiceBusNotification-Format"].ToString();
        if (format.Length == 0 || !KnownFormats.Contains(format))
        {
            await ErrorAsync(context, 400, "The ServiceBusNotification-Format header is missing or names no known platform.");
            return;
        }

        if (route == HubRoute.DirectBatchSend && Tier == HubTier.Free)
        {
            await ErrorAsync(context, 403, NotAvailableForTierDetail);
            return;
        }

        var parsed = route == HubRoute.DirectBatchSend ? await ReadBatchAsync(request) : await ReadSingleAsync(request);
        if (parsed.Error is not null)
        {
            await ErrorAsync(context, parsed.Status, parsed.Error);
            return;
        }

        if (Encoding.UTF8.GetByteCount(parsed.Body!) > MaxMessageBytes)
        {
            await ErrorAsync(context, 413, "Requested entity too large. The message size cannot be over 64 Kb.");
            return;
        }

        if (format is "apple" or "fcmv1" && !IsJson(parsed.Body!))
        {
            await ErrorAsync(context, 400, "The notification body is not valid JSON.");
            return;
        }

        if (!TryUseQuota(parsed.Handles!.Length))
        {
            await ErrorAsync(context, 403, QuotaExceededDetail);
            return;
        }

        var notificationId = Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
        var headers = request.Headers
            .Where(h => !h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var receivedAt = Stopwatch.GetTimestamp();
        var errors = new List<(string Handle, string Error)>();
        foreach (var handle in parsed.Handles!)
        {
            _received.Enqueue(new ReceivedNotification(hub, route, format, headers, parsed.ContentType!, parsed.Body!, handle, notificationId, receivedAt));
            if (_pnsErrors.TryGetValue(handle, out var error))
            {
                errors.Add((handle, error));
            }
        }

        context.Response.StatusCode = 201;
        context.Response.Headers["TrackingId"] = Guid.NewGuid().ToString();
        if (Tier == HubTier.Standard)
        {
            // Only Standard hubs hand out the id that per-message telemetry is read by.
            _sent[notificationId] = new SentNotification(hub, format, parsed.Body!, DateTimeOffset.UtcNow, parsed.Handles!.Length - errors.Count, errors);
            context.Response.Headers.Location = MessageUri(hub, notificationId).AbsoluteUri;
        }

        if (Interlocked.Add(ref _acceptedHandles, parsed.Handles!.Length) > HandlesAnsweredPromptly)
        {
            try
            {
                await Task.Delay(SlowAnswerDelay, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The sender went away before the answer came (it was killed): the notification stays taken.
            }
        }
    }

    private bool TryUseQuota(int pushes)
    {
        lock (_quota)
        {
            if (PushesLeft is { } left)
            {
                if (left < pushes)
                {
                    return false;
                }

                PushesLeft = left - pushes;
            }

            return true;
        }
    }

    private async Task AnswerTelemetryAsync(HttpContext context, string hub, string notificationId)
    {
        if (Tier != HubTier.Standard)
        {
            await ErrorAsync(context, 403, "Per-message telemetry is not enabled for this tier; it needs the Standard tier.");
            return;
        }

        if (HoldTelemetry || !_sent.TryGetValue(notificationId, out var sent) || !sent.Hub.Equals(hub, StringComparison.OrdinalIgnoreCase))
        {
            await ErrorAsync(context, 404, "No telemetry for this notification: the id is unknown or the notification is not processed yet.");
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/xml; charset=utf-8";
        var errorDetails = sent.Errors.Count == 0 ? null : ErrorDetailsUri(hub, notificationId);
        await context.Response.WriteAsync(HubTelemetryDocuments.NotificationDetails(notificationId, sent, MessageUri(hub, notificationId), errorDetails));
    }

    /// <summary>
    /// The error details blob. The real one is on a storage account and authorized by the SAS in its address alone; a
    /// client that sends the hub's Authorization along would hand a key-derived token to another host, so it is refused.
    /// </summary>
    private async Task AnswerErrorDetailsAsync(HttpContext context)
    {
        var request = context.Request;
        var segments = request.Path.Value!.Trim('/').Split('/');
        _requests.AddOrUpdate(HubRoute.PnsErrorDetails, 1, (_, n) => n + 1);
        if (!HttpMethods.IsGet(request.Method) || segments.Length != 3)
        {
            await StorageErrorAsync(context, 404, "ResourceNotFound");
            return;
        }

        if (request.Headers.ContainsKey("Authorization"))
        {
            await StorageErrorAsync(context, 400, "InvalidAuthenticationInfo");
            return;
        }

        var (hub, notificationId) = (Uri.UnescapeDataString(segments[1]), Uri.UnescapeDataString(segments[2]));
        var expiry = request.Query["se"].ToString();
        if (!DateTimeOffset.TryParse(expiry, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiresOn)
            || expiresOn <= DateTimeOffset.UtcNow
            || request.Query["sig"].ToString() != BlobSignature(hub, notificationId, expiry))
        {
            await StorageErrorAsync(context, 403, "AuthenticationFailed");
            return;
        }

        if (!_sent.TryGetValue(notificationId, out var sent) || sent.Errors.Count == 0)
        {
            await StorageErrorAsync(context, 404, "BlobNotFound");
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers["x-ms-blob-type"] = "AppendBlob";
        await context.Response.WriteAsync(HubTelemetryDocuments.PnsErrorDetails(notificationId, sent, DateTimeOffset.UtcNow));
    }

    private Uri MessageUri(string hub, string notificationId) =>
        new(Endpoint, $"{Uri.EscapeDataString(hub)}/messages/{Uri.EscapeDataString(notificationId)}?api-version=2020-06");

    /// <summary>A read-only SAS address valid for an hour, as the service hands out (signed here with the namespace key).</summary>
    private Uri ErrorDetailsUri(string hub, string notificationId)
    {
        var expiry = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return new Uri(Endpoint, string.Create(CultureInfo.InvariantCulture,
            $"{ErrorDetailsPath}/{Uri.EscapeDataString(hub)}/{Uri.EscapeDataString(notificationId)}?sv=2020-10-02&sr=b&sp=r&se={Uri.EscapeDataString(expiry)}&sig={Uri.EscapeDataString(BlobSignature(hub, notificationId, expiry))}"));
    }

    private string BlobSignature(string hub, string notificationId, string expiry) =>
        Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(Key), Encoding.UTF8.GetBytes($"{hub}/{notificationId}\n{expiry}")));

    private static async Task<ParsedSend> ReadSingleAsync(HttpRequest request)
    {
        var body = await ReadTextAsync(request.Body);
        var handle = request.Headers["ServiceBusNotification-DeviceHandle"].ToString();
        return handle.Length == 0
            ? ParsedSend.Rejected(400, "A direct send needs the ServiceBusNotification-DeviceHandle header.")
            : new ParsedSend(request.ContentType ?? string.Empty, body, [handle]);
    }

    private static async Task<ParsedSend> ReadBatchAsync(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/mixed", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Length == 0)
        {
            return ParsedSend.Rejected(400, "A batch send must be multipart/mixed with a boundary.");
        }

        string? notification = null;
        string? notificationType = null;
        string? devices = null;
        try
        {
            var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(contentType.Boundary).ToString(), request.Body);
            while (await reader.ReadNextSectionAsync() is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    return ParsedSend.Rejected(400, "Every part of a batch needs a Content-Disposition with a name.");
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
                var text = await ReadTextAsync(section.Body);
                if (name == "notification")
                {
                    (notification, notificationType) = (text, section.ContentType ?? string.Empty);
                }
                else if (name == "devices")
                {
                    devices = text;
                }
            }
        }
        catch (IOException)
        {
            return ParsedSend.Rejected(400, "The multipart body is malformed.");
        }
        catch (InvalidDataException)
        {
            return ParsedSend.Rejected(400, "The multipart body is malformed.");
        }

        if (notification is null || devices is null)
        {
            return ParsedSend.Rejected(400, "A batch needs a notification part and a devices part.");
        }

        string[]? handles;
        try
        {
            handles = JsonSerializer.Deserialize<string[]>(devices);
        }
        catch (JsonException)
        {
            return ParsedSend.Rejected(400, "The devices part is not a JSON array of handles.");
        }

        if (handles is null || handles.Length == 0 || handles.Any(string.IsNullOrEmpty))
        {
            return ParsedSend.Rejected(400, "The devices part is not a JSON array of handles.");
        }

        return handles.Length > MaxBatchHandles
            ? ParsedSend.Rejected(400, $"A batch may address at most {MaxBatchHandles} devices.")
            : new ParsedSend(notificationType!, notification, handles);
    }

    private static async Task ScriptedAsync(HttpContext context, ScriptedAnswer answer)
    {
        if (answer.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await ErrorAsync(context, answer.Status, answer.Detail ?? $"Scripted answer {answer.Status.ToString(CultureInfo.InvariantCulture)}.");
    }

    private static Task StorageErrorAsync(HttpContext context, int status, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/xml";
        context.Response.Headers["x-ms-error-code"] = code;
        return context.Response.WriteAsync($"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{code}</Message></Error>");
    }

    /// <summary>The Service Bus error body with a tracking id, as the service answers; an empty detail gets no body (as a 403 for a missing Send claim).</summary>
    private static Task ErrorAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        if (detail.Length == 0)
        {
            return Task.CompletedTask;
        }

        context.Response.ContentType = "application/xml; charset=utf-8";
        return context.Response.WriteAsync(string.Create(CultureInfo.InvariantCulture,
            $"<Error><Code>{status}</Code><Detail>{SecurityElement.Escape(detail)} TrackingId:{Guid.NewGuid()}</Detail></Error>"));
    }

    private static async Task<string> ReadTextAsync(Stream body)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static bool IsJson(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
