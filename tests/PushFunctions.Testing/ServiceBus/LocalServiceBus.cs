using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using PushFunctions.Testing.Http;

namespace PushFunctions.Testing.ServiceBus;

/// <summary>
/// A stand-in for a Service Bus namespace on Kestrel (127.0.0.1, a free port): Send Message and Send Message Batch
/// (<c>POST /{queue}/messages</c>) as documented, refusing what the service refuses — a missing, forged or expired SAS
/// token or Entra ID token, a token for another audience, malformed BrokerProperties or batch bodies, a batch content
/// type with parameters, a message or batch over 256 KiB (403, "message too large"), an unknown queue (410). It
/// records what it accepts and, like a queue with duplicate detection, keeps one message per MessageId.
/// </summary>
public sealed class LocalServiceBus : IAsyncDisposable
{
    public const string KeyName = "RootManageSharedAccessKey";
    public const string BatchContentType = "application/vnd.microsoft.servicebus.json";

    /// <summary>The audience of tokens Entra ID issues for the scope https://servicebus.azure.net/.default.</summary>
    public const string ServiceBusAudience = "https://servicebus.azure.net";

    /// <summary>The Standard tier's limit for one message and for one batch request.</summary>
    public const int MaxSizeInBytes = 256 * 1024;

    private readonly LoopbackHttpServer _server;
    private readonly HashSet<string> _queues;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<RecordedMessage>> _messages = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _seenMessageIds = new(StringComparer.Ordinal);
    private long _sequenceNumber;
    private int _requests;
    private int _failuresToInject;

    private LocalServiceBus(LoopbackHttpServer server, HashSet<string> queues, string key, byte[] tokenSigningKey)
    {
        _server = server;
        _queues = queues;
        Key = key;
        TokenSigningKey = tokenSigningKey;
    }

    /// <summary>The namespace endpoint, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Endpoint => _server.BaseAddress;

    public string Key { get; }

    /// <summary>The key test tokens are signed with (<see cref="LocalEntraCredential"/>).</summary>
    public byte[] TokenSigningKey { get; }

    /// <summary>A SAS connection string for this namespace, as the portal gives it but with the local endpoint.</summary>
    public string ConnectionString => $"Endpoint={Endpoint};SharedAccessKeyName={KeyName};SharedAccessKey={Key}";

    /// <summary>Requests that reached the handler, accepted or not.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<LocalServiceBus> StartAsync(IEnumerable<string> queues, bool https = false)
    {
        ArgumentNullException.ThrowIfNull(queues);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var signingKey = RandomNumberGenerator.GetBytes(32);
        LocalServiceBus? bus = null;
        var server = await LoopbackHttpServer.StartAsync(context => bus!.HandleAsync(context), https);
        bus = new LocalServiceBus(server, queues.ToHashSet(StringComparer.OrdinalIgnoreCase), key, signingKey);
        return bus;
    }

    /// <summary>A handler that trusts this server's self-signed certificate (needed with https).</summary>
    public HttpClientHandler CreateTrustingHandler() => _server.CreateTrustingHandler();

    /// <summary>The messages accepted on <paramref name="queue"/>, in order.</summary>
    public IReadOnlyList<RecordedMessage> Messages(string queue) =>
        _messages.TryGetValue(queue, out var messages) ? [.. messages] : [];

    /// <summary>Answers the next <paramref name="count"/> authorised requests 503 Server Busy, as the service does under throttling.</summary>
    public void FailNextRequests(int count) => Interlocked.Exchange(ref _failuresToInject, count);

    /// <summary>A SAS token for this namespace signed with <paramref name="key"/> (default: the right one).</summary>
    public string CreateSasToken(DateTimeOffset expiresOn, string? key = null, string keyName = KeyName, string? resource = null)
    {
        var encodedResource = WebUtility.UrlEncode(resource ?? Endpoint.AbsoluteUri);
        var expiry = expiresOn.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"SharedAccessSignature sr={encodedResource}&sig={WebUtility.UrlEncode(Signature(key ?? Key, encodedResource, expiry))}&se={expiry}&skn={keyName}";
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static string Signature(string key, string encodedResource, string expiry) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(encodedResource + "\n" + expiry)));

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var segments = context.Request.Path.Value!.Trim('/').Split('/');
        if (segments.Length != 2 || segments[1] != "messages")
        {
            await ErrorAsync(context, 404, "No such resource: messages are posted to /{queue}/messages.");
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await ErrorAsync(context, 405, "Only POST sends messages.");
            return;
        }

        if (Unauthorized(context.Request) is { } authError)
        {
            await ErrorAsync(context, 401, authError);
            return;
        }

        if (!_queues.Contains(segments[0]))
        {
            await ErrorAsync(context, 410, $"The messaging entity '{segments[0]}' could not be found.");
            return;
        }

        if (Interlocked.Decrement(ref _failuresToInject) >= 0)
        {
            await ErrorAsync(context, 503, "The server is busy. Please retry the operation.");
            return;
        }

        var body = await ReadBodyAsync(context.Request);
        if (body is null)
        {
            await ErrorAsync(context, 403, $"The request is larger than the {MaxSizeInBytes}-byte message size limit.");
            return;
        }

        var (messages, error) = context.Request.ContentType switch
        {
            null or "" => ([], "A message needs a Content-Type."),
            BatchContentType => ParseBatch(body),
            var other when other.StartsWith(BatchContentType, StringComparison.OrdinalIgnoreCase) =>
                ([], $"Set Content-Type to {BatchContentType} without parameters."),
            _ => ParseSingle(context.Request, body),
        };
        if (error is not null)
        {
            await ErrorAsync(context, 400, error);
            return;
        }

        if (messages.Sum(m => m.Body.Length) + context.Request.Headers["BrokerProperties"].ToString().Length > MaxSizeInBytes)
        {
            await ErrorAsync(context, 403, $"The message size exceeds the {MaxSizeInBytes}-byte limit.");
            return;
        }

        var queue = _messages.GetOrAdd(segments[0], _ => new ConcurrentQueue<RecordedMessage>());
        foreach (var message in messages)
        {
            if (message.MessageId is null || _seenMessageIds.TryAdd(message.MessageId, true))
            {
                queue.Enqueue(message with { SequenceNumber = Interlocked.Increment(ref _sequenceNumber) });
            }
        }

        context.Response.StatusCode = 201;
    }

    /// <summary>Null when the caller may send; otherwise why not.</summary>
    private string? Unauthorized(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("SharedAccessSignature ", StringComparison.Ordinal))
        {
            return UnauthorizedSas(authorization["SharedAccessSignature ".Length..], request);
        }

        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return UnauthorizedBearer(authorization["Bearer ".Length..]);
        }

        return authorization.Length == 0 ? "MissingToken: the request has no Authorization header." : "InvalidToken: unknown authorization scheme.";
    }

    private string? UnauthorizedSas(string token, HttpRequest request)
    {
        // Fields stay URL-encoded: the signature covers the resource exactly as the token carries it.
        var fields = token.Split('&').Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("sr", out var resource) || !fields.TryGetValue("sig", out var signature)
            || !fields.TryGetValue("se", out var expiry) || !fields.TryGetValue("skn", out var keyName))
        {
            return "InvalidSignature: the token needs sr, sig, se and skn.";
        }

        if (keyName != KeyName || WebUtility.UrlDecode(signature) != Signature(Key, resource, expiry))
        {
            return "InvalidSignature: the token could not be authenticated.";
        }

        if (!long.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var expirySeconds) || expirySeconds <= DateTimeOffset.UtcNow.ToUnixTimeSeconds())
        {
            return "ExpiredToken: the token has expired.";
        }

        // The token covers the resource it names and everything below it; the scheme does not matter.
        var covered = StripScheme(WebUtility.UrlDecode(resource)).TrimEnd('/');
        var requested = StripScheme($"{request.Host}{request.Path}");
        return requested.StartsWith(covered, StringComparison.OrdinalIgnoreCase) ? null : "InvalidAudience: the token is for another resource.";
    }

    private string? UnauthorizedBearer(string token)
    {
        if (TestJwt.ReadVerified(TokenSigningKey, token) is not { } claims)
        {
            return "InvalidToken: the token could not be validated.";
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (!claims.TryGetProperty("exp", out var exp) || exp.GetInt64() <= now || (claims.TryGetProperty("nbf", out var nbf) && nbf.GetInt64() > now))
        {
            return "ExpiredToken: the token is not valid at this time.";
        }

        var audience = claims.TryGetProperty("aud", out var aud) ? aud.GetString()?.TrimEnd('/') : null;
        return string.Equals(audience, ServiceBusAudience, StringComparison.OrdinalIgnoreCase)
            || string.Equals(audience, Endpoint.AbsoluteUri.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
            ? null
            : "InvalidAudience: the token's audience is not Service Bus.";
    }

    private static string StripScheme(string uri) => uri.Contains("://", StringComparison.Ordinal) ? uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..] : uri;

    /// <summary>The body, or null when it is over the limit (read no further than that).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > MaxSizeInBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static (List<RecordedMessage> Messages, string? Error) ParseSingle(HttpRequest request, byte[] body)
    {
        var header = request.Headers["BrokerProperties"].ToString();
        if (header.Length == 0)
        {
            return ([new RecordedMessage(null, null, body, 0)], null);
        }

        try
        {
            using var properties = JsonDocument.Parse(header);
            var (parsed, error) = ReadBrokerProperties(properties.RootElement);
            return error is null ? ([parsed! with { Body = body }], null) : ([], "BrokerProperties: " + error);
        }
        catch (JsonException)
        {
            return ([], "The BrokerProperties header is not JSON.");
        }
    }

    private static (List<RecordedMessage> Messages, string? Error) ParseBatch(byte[] body)
    {
        try
        {
            using var batch = JsonDocument.Parse(body);
            if (batch.RootElement.ValueKind != JsonValueKind.Array || batch.RootElement.GetArrayLength() == 0)
            {
                return ([], "A batch is a non-empty JSON array of messages.");
            }

            var messages = new List<RecordedMessage>();
            foreach (var entry in batch.RootElement.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("Body", out var text) || text.ValueKind != JsonValueKind.String)
                {
                    return ([], "Each message of a batch is an object with a Body string.");
                }

                var message = new RecordedMessage(null, null, Encoding.UTF8.GetBytes(text.GetString()!), 0);
                if (entry.TryGetProperty("BrokerProperties", out var properties))
                {
                    var (parsed, error) = ReadBrokerProperties(properties);
                    if (error is not null)
                    {
                        return ([], "BrokerProperties: " + error);
                    }

                    message = parsed! with { Body = message.Body };
                }

                messages.Add(message);
            }

            return (messages, null);
        }
        catch (JsonException)
        {
            return ([], "The batch is not JSON.");
        }
    }

    private static (RecordedMessage? Message, string? Error) ReadBrokerProperties(JsonElement properties)
    {
        if (properties.ValueKind != JsonValueKind.Object)
        {
            return (null, "a JSON object is expected.");
        }

        string? messageId = null;
        if (properties.TryGetProperty("MessageId", out var id))
        {
            if (id.ValueKind != JsonValueKind.String || id.GetString()!.Length is 0 or > 128)
            {
                return (null, "MessageId is a string of 1 to 128 characters.");
            }

            messageId = id.GetString();
        }

        TimeSpan? timeToLive = null;
        if (properties.TryGetProperty("TimeToLive", out var ttl))
        {
            if (ttl.ValueKind != JsonValueKind.Number || !ttl.TryGetDouble(out var seconds) || seconds <= 0)
            {
                return (null, "TimeToLive is a positive number of seconds.");
            }

            timeToLive = TimeSpan.FromSeconds(seconds);
        }

        return (new RecordedMessage(messageId, timeToLive, [], 0), null);
    }

    private static async Task ErrorAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/xml; charset=utf-8";
        await context.Response.WriteAsync(new XElement("Error", new XElement("Code", status), new XElement("Detail", detail)).ToString(SaveOptions.DisableFormatting));
    }
}
