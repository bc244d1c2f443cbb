using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using PushFunctions.Core.Contract;

namespace PushFunctions.Gateway.Api;

/// <summary>
/// Reads RhoConnect-style parameters from a JSON object, a form (urlencoded or multipart) and the query string into one
/// neutral shape, so the contract's rules are written once (spec: rhoconnect-ping.md, "Request body").
/// </summary>
public static class RequestParameterReader
{
    public const int MaxBodyBytes = 64 * 1024;

    public static async Task<RequestParameters> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
        AddFields(values, request.Query);

        if (!HasBody(request))
        {
            return new RequestParameters(values, null);
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return Rejected(values, StatusCodes.Status413PayloadTooLarge, "The request body is larger than 64 KiB.");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // Also bounds chunked bodies, which announce no length.
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        try
        {
            if (IsJson(request.ContentType))
            {
                return await ReadJsonAsync(request, values, cancellationToken);
            }

            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(cancellationToken);
                AddFields(values, form);
                return new RequestParameters(values, null);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Rejected(values, StatusCodes.Status413PayloadTooLarge, "The request body is larger than 64 KiB.");
        }
        catch (InvalidDataException)
        {
            // The form reader's answer to a malformed multipart body or one over its limits; its message stays in the server.
            return Rejected(values, StatusCodes.Status400BadRequest, "The form body is malformed or exceeds the form reader's limits.");
        }

        return Rejected(values, StatusCodes.Status415UnsupportedMediaType,
            "Unsupported content type; send application/json, application/x-www-form-urlencoded or multipart/form-data.");
    }

    private static async Task<RequestParameters> ReadJsonAsync(
        HttpRequest request, Dictionary<string, ParameterValue> values, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException e)
        {
            return Rejected(values, StatusCodes.Status400BadRequest,
                $"The request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}).");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Rejected(values, StatusCodes.Status400BadRequest,
                    $"The request body must be a JSON object, not {Describe(document.RootElement.ValueKind)}.");
            }

            try
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    values[property.Name] = FromJson(property.Value);
                }
            }
            catch (InvalidOperationException)
            {
                // Valid JSON syntax can still escape a lone UTF-16 surrogate ("\ud800"), which no .NET string can be read from.
                return Rejected(values, StatusCodes.Status400BadRequest, "The request body has a string that is not valid Unicode (a lone surrogate escape).");
            }
        }

        return new RequestParameters(values, null);
    }

    private static ParameterValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => ParameterValue.FromText(element.GetString()!),
        JsonValueKind.Number => ParameterValue.FromNumber(element.GetRawText()),
        JsonValueKind.True => ParameterValue.FromBoolean(true),
        JsonValueKind.False => ParameterValue.FromBoolean(false),
        JsonValueKind.Array => ParameterValue.FromList(element.EnumerateArray().Select(FromJson).ToList()),
        JsonValueKind.Object => ParameterValue.FromStructure(
            element.EnumerateObject().GroupBy(p => p.Name).ToDictionary(g => g.Key, g => FromJson(g.Last().Value), StringComparer.Ordinal)),
        _ => ParameterValue.Null,
    };

    /// <summary>
    /// Rails conventions: <c>name[]=a&amp;name[]=b</c> and a repeated <c>name=a&amp;name=b</c> both make a list;
    /// <c>name[key]=v</c> makes a structure (one level, as <c>attributes[login]</c> needs).
    /// </summary>
    private static void AddFields(Dictionary<string, ParameterValue> values, IEnumerable<KeyValuePair<string, StringValues>> fields)
    {
        var structures = new Dictionary<string, Dictionary<string, ParameterValue>>(StringComparer.Ordinal);
        foreach (var (rawName, rawValues) in fields)
        {
            var isList = rawName.EndsWith("[]", StringComparison.Ordinal);
            var name = isList ? rawName[..^2] : rawName;
            var items = rawValues.Select(v => ParameterValue.FromText(v ?? string.Empty)).ToList();
            var value = isList || items.Count > 1 ? ParameterValue.FromList(items) : items[0];
            var open = name.IndexOf('[', StringComparison.Ordinal);
            if (open > 0 && name.EndsWith(']'))
            {
                var outer = name[..open];
                if (!structures.TryGetValue(outer, out var properties))
                {
                    structures[outer] = properties = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
                }

                properties[name[(open + 1)..^1]] = value;
                continue;
            }

            values[name] = value;
        }

        foreach (var (name, properties) in structures)
        {
            values[name] = ParameterValue.FromStructure(properties);
        }
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => "a boolean",
    };

    private static RequestParameters Rejected(Dictionary<string, ParameterValue> values, int status, string message) =>
        new(values, new RequestRejection(status, message));
}
