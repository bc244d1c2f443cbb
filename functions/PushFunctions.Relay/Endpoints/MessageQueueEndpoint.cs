using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PushFunctions.Relay.Authentication;
using PushFunctions.Relay.Configuration;
using PushFunctions.Relay.Devices;
using PushFunctions.Relay.Security;

namespace PushFunctions.Relay.Endpoints;

/// <summary><c>POST /messageQueue/{token}</c>: a backend queues a message for a device's app registration.</summary>
public sealed class MessageQueueEndpoint(
    IDeviceAuthenticator authenticator,
    DeviceDirectory directory,
    RelaySigner signer,
    IOptions<RelayOptions> options)
{
    private readonly int maxMessageBytes = options.Value.MaxMessageBytes;

    public async Task PostAsync(HttpContext context, string token)
    {
        if (!IsJson(context.Request.ContentType))
        {
            Answers.Status(context, StatusCodes.Status400BadRequest);
            return;
        }

        var credentials = PresentedCredentials.From(context.Request);
        if (credentials.Basic is not { } app || !signer.Verify(SignedPurpose.RegistrationToken, app.User, token))
        {
            Answers.Status(context, StatusCodes.Status401Unauthorized);
            return;
        }

        var result = await authenticator.AuthenticateAppAsync(credentials, context.RequestAborted);
        if (DeviceAuthentication.Answer(context, result) is null)
        {
            return;
        }

        if (context.Request.ContentLength > maxMessageBytes)
        {
            Answers.Status(context, StatusCodes.Status413PayloadTooLarge);
            return;
        }

        var body = await ReadBodyAsync(context.Request, maxMessageBytes + 1, context.RequestAborted);
        if (body.Length > maxMessageBytes)
        {
            Answers.Status(context, StatusCodes.Status413PayloadTooLarge);
            return;
        }

        if (!TryParseMessage(body, out var collapseId, out var data))
        {
            Answers.Status(context, StatusCodes.Status400BadRequest);
            return;
        }

        var outcome = await directory.EnqueueAsync(token, collapseId, data, context.RequestAborted);
        Answers.Status(context, outcome == EnqueueOutcome.UnknownToken ? StatusCodes.Status404NotFound : StatusCodes.Status204NoContent);
    }

    /// <summary>Unlike the original, a charset parameter is accepted; the media type itself must be JSON.</summary>
    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && mediaType.MediaType.Equals(Answers.JsonContentType, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads at most <paramref name="limit"/> bytes, into one array of the announced length when there is one.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(request.ContentLength is long length and <= int.MaxValue ? (int)Math.Min(length, limit) : 1024);
        var chunk = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            int read;
            while (buffer.Length < limit && (read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    /// <summary>Body <c>{"collapseId": number?, "data": {...}}</c>; the collapse id kept as invariant text, the data as its UTF-8 JSON.</summary>
    private static bool TryParseMessage(byte[] body, out string? collapseId, out byte[] data)
    {
        collapseId = null;
        data = [];
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("data", out var dataElement)
                || dataElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            // A null collapseId is refused like any other non-number, as the original does.
            if (root.TryGetProperty("collapseId", out var collapseElement))
            {
                if (collapseElement.ValueKind != JsonValueKind.Number)
                {
                    return false;
                }

                collapseId = collapseElement.GetDouble().ToString("R", CultureInfo.InvariantCulture);
            }

            data = JsonMarshal.GetRawUtf8Value(dataElement).ToArray();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
