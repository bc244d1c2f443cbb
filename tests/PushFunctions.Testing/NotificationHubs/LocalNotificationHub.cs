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
/// API and rejecting what the real service rejects: a missing, wrong, expired or mis-addressed SAS token, a missing
/// api-version, a missing or unknown ServiceBusNotification-Format, a direct send without a device handle, a batch of
/// more than 1,000 handles or a malformed multipart body, an unknown hub. It records every accepted notification per
/// device, can be told to answer a status (with Retry-After) for given handles or routes, and to refuse batch send
/// as the Free tier does. No per-request logging: it keeps up with a benchmark.
/// </summary>
public sealed class LocalNotificationHub : IAsyncDisposable
{
    public const string KeyName = "DefaultFullSharedAccessSignature";
    public const int MaxBatchHandles = 1000;

    /// <summary>Bodies above this size get 413, as the service answers for messages over 64 KB.</summary>
    public const int MaxMessageBytes = 64 * 1024;

    private static readonly HashSet<string> KnownFormats = new(StringComparer.Ordinal)
    {
        "apple", "fcmv1", "gcm", "windows", "windowsphone", "adm", "baidu", "nokiax", "browser", "xiaomi", "template",
    };

    private readonly HashSet<string> _hubs;
    private readonly ConcurrentQueue<ReceivedNotification> _received = new();
    private readonly ConcurrentDictionary<string, ScriptedAnswer> _handleAnswers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<HubRoute, ScriptedAnswer> _routeAnswers = new();
    private readonly ConcurrentDictionary<HubRoute, int> _requests = new();
    private LoopbackHttpServer _server = null!;
    private long _nextId;

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

    /// <summary>When set, the batch route answers 403 as a Free-tier hub does; direct sends still work.</summary>
    public bool RefuseBatchSend { get; set; }

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

    /// <summary>Any request addressed to <paramref name="handle"/> gets <paramref name="status"/> for the next <paramref name="times"/> requests.</summary>
    public void AnswerForHandle(string handle, int status, TimeSpan? retryAfter = null, int times = int.MaxValue) =>
        _handleAnswers[handle] = new ScriptedAnswer(status, retryAfter, times);

    /// <summary>The next <paramref name="times"/> requests on <paramref name="route"/> get <paramref name="status"/>.</summary>
    public void AnswerForRoute(HubRoute route, int status, TimeSpan? retryAfter = null, int times = int.MaxValue) =>
        _routeAnswers[route] = new ScriptedAnswer(status, retryAfter, times);

    /// <summary>Requests on <paramref name="route"/> are accepted again (the end of an outage).</summary>
    public void StopAnswering(HubRoute route) => _routeAnswers.TryRemove(route, out _);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var segments = (request.Path.Value ?? string.Empty).Trim('/').Split('/');
        if (!HttpMethods.IsPost(request.Method) || segments.Length != (request.Path.Value!.EndsWith("/$batch", StringComparison.Ordinal) ? 3 : 2) || segments[1] != "messages")
        {
            await ErrorAsync(context, 404, "No message branch at the URI.");
            return;
        }

        var hub = Uri.UnescapeDataString(segments[0]);
        var batch = segments.Length == 3 && segments[2] == "$batch";
        var route = batch ? HubRoute.DirectBatchSend : HubRoute.DirectSend;
        if (!request.Query.ContainsKey("direct"))
        {
            await ErrorAsync(context, 400, "Only direct and direct batch sends are implemented by the local hub.");
            return;
        }

        if (string.IsNullOrEmpty(request.Query["api-version"]))
        {
            await ErrorAsync(context, 400, "The api-version query parameter is required.");
            return;
        }

        _requests.AddOrUpdate(route, 1, (_, n) => n + 1);
        var resource = $"{Endpoint.GetLeftPart(UriPartial.Authority)}{request.Path.Value}";
        var rejection = SasTokenCheck.Reject(request.Headers.Authorization, resource, KeyName, Key, DateTimeOffset.UtcNow);
        if (rejection is not null)
        {
            await ErrorAsync(context, 401, rejection);
            return;
        }

        if (!_hubs.Contains(hub))
        {
            await ErrorAsync(context, 404, $"The messaging entity '{hub}' could not be found.");
            return;
        }

        var format = request.Headers["ServiceBusNotification-Format"].ToString();
        if (format.Length == 0 || !KnownFormats.Contains(format))
        {
            await ErrorAsync(context, 400, "The ServiceBusNotification-Format header is missing or names no known platform.");
            return;
        }

        if (_routeAnswers.TryGetValue(route, out var routeAnswer) && routeAnswer.TryTake())
        {
            await ScriptedAsync(context, routeAnswer);
            return;
        }

        if (batch && RefuseBatchSend)
        {
            await ErrorAsync(context, 403, "Direct batch send is not available on the Free tier.");
            return;
        }

        var parsed = batch ? await ReadBatchAsync(request) : await ReadSingleAsync(request);
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

        foreach (var handle in parsed.Handles!)
        {
            if (_handleAnswers.TryGetValue(handle, out var handleAnswer) && handleAnswer.TryTake())
            {
                await ScriptedAsync(context, handleAnswer);
                return;
            }
        }

        var notificationId = Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
        var headers = request.Headers
            .Where(h => !h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var receivedAt = Stopwatch.GetTimestamp();
        foreach (var handle in parsed.Handles!)
        {
            _received.Enqueue(new ReceivedNotification(hub, route, format, headers, parsed.ContentType!, parsed.Body!, handle, notificationId, receivedAt));
        }

        context.Response.StatusCode = 201;
        context.Response.Headers.Location = $"{Endpoint}{Uri.EscapeDataString(hub)}/messages/{notificationId}?api-version=2020-06";
        context.Response.Headers["TrackingId"] = Guid.NewGuid().ToString();
    }

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

        await ErrorAsync(context, answer.Status, $"Scripted answer {answer.Status.ToString(CultureInfo.InvariantCulture)}.");
    }

    private static Task ErrorAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
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
