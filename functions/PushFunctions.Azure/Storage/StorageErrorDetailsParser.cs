using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace PushFunctions.Azure.Storage;

/// <summary>
/// Reads the error code and message of a failed storage response: the x-ms-error-code header when present,
/// and the body in whichever shape the service used (Queue XML, Table OData JSON).
/// </summary>
internal sealed class StorageErrorDetailsParser : RequestFailedDetailsParser
{
    /// <summary>The parser is stateless; one instance serves every client and exception.</summary>
    public static StorageErrorDetailsParser Instance { get; } = new();

    public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
    {
        data = null;
        response.Headers.TryGetValue("x-ms-error-code", out string? headerCode);
        (string? bodyCode, string? message) = ReadBody(response);
        string? code = headerCode ?? bodyCode;
        error = code is null && message is null ? null : new ResponseError(code, message);
        return error is not null;
    }

    /// <summary>The (code, message) pair from an error body. Storage puts a request id and time in the message, never a key.</summary>
    internal static (string? Code, string? Message) ReadBody(Response response)
    {
        if (response.Content is null || response.Content.ToMemory().IsEmpty)
        {
            return (null, null);
        }

        string contentType = response.Headers.ContentType ?? string.Empty;
        try
        {
            if (contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
            {
                return ReadJson(response.Content.ToMemory());
            }

            if (contentType.Contains("xml", StringComparison.OrdinalIgnoreCase))
            {
                return ReadXml(response.Content.ToString());
            }
        }
        catch (Exception e) when (e is JsonException or XmlException)
        {
            // A garbled error body still leaves the status and the header code to report.
        }

        return (null, null);
    }

    private static (string? Code, string? Message) ReadJson(ReadOnlyMemory<byte> body)
    {
        using JsonDocument document = JsonDocument.Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !(document.RootElement.TryGetProperty("odata.error", out JsonElement error) || document.RootElement.TryGetProperty("error", out error))
            || error.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        string? code = error.TryGetProperty("code", out JsonElement codeElement) && codeElement.ValueKind == JsonValueKind.String
            ? codeElement.GetString()
            : null;
        string? message = null;
        if (error.TryGetProperty("message", out JsonElement messageElement))
        {
            // OData v3 wraps the text as {"lang": "...", "value": "..."}; later shapes use a plain string.
            message = messageElement.ValueKind switch
            {
                JsonValueKind.String => messageElement.GetString(),
                JsonValueKind.Object when messageElement.TryGetProperty("value", out JsonElement value) && value.ValueKind == JsonValueKind.String => value.GetString(),
                _ => null,
            };
        }

        return (code, message);
    }

    private static (string? Code, string? Message) ReadXml(string body)
    {
        XElement root = XElement.Parse(body);
        return root.Name.LocalName == "Error"
            ? (root.Element("Code")?.Value, root.Element("Message")?.Value)
            : (null, null);
    }
}
