using System.Globalization;
using System.Text;
using Azure;

namespace PushFunctions.Azure.Tables;

/// <summary>
/// Reads the multipart/mixed answer to a $batch request: a batch part holding a changeset, whose parts are
/// application/http responses, one per action in order (or a single one when the changeset failed).
/// </summary>
internal static class TableTransactionResponseReader
{
    public static IReadOnlyList<TableTransactionResponse> Read(Response batchResponse)
    {
        string contentType = batchResponse.Headers.ContentType
            ?? throw new FormatException("The Table service answered a transaction without a Content-Type.");
        string body = batchResponse.Content.ToString().ReplaceLineEndings("\n");
        var responses = new List<TableTransactionResponse>();
        ReadMultipart(contentType, body, batchResponse.ClientRequestId, responses);
        return responses;
    }

    private static void ReadMultipart(string contentType, string body, string clientRequestId, List<TableTransactionResponse> responses)
    {
        string delimiter = "--" + Boundary(contentType);
        string[] chunks = body.Split(delimiter);
        // chunks[0] is the preamble; the chunk after the closing delimiter starts with "--".
        foreach (string chunk in chunks.Skip(1).Where(c => !c.StartsWith("--", StringComparison.Ordinal)))
        {
            (Dictionary<string, string> headers, string content) = SplitHeaders(chunk.TrimStart('\n'));
            string partType = headers.GetValueOrDefault("Content-Type", string.Empty);
            if (partType.StartsWith("multipart/mixed", StringComparison.OrdinalIgnoreCase))
            {
                ReadMultipart(partType, content, clientRequestId, responses);
            }
            else if (partType.StartsWith("application/http", StringComparison.OrdinalIgnoreCase))
            {
                responses.Add(ReadHttpResponse(content, clientRequestId));
            }
        }
    }

    private static TableTransactionResponse ReadHttpResponse(string text, string clientRequestId)
    {
        int lineEnd = text.IndexOf('\n', StringComparison.Ordinal);
        string statusLine = lineEnd < 0 ? text : text[..lineEnd];
        string[] statusParts = statusLine.Split(' ', 3);
        if (statusParts.Length < 2 || !int.TryParse(statusParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int status))
        {
            throw new FormatException("The Table service's transaction response holds a part without an HTTP status line.");
        }

        (Dictionary<string, string> headers, string content) = SplitHeaders(lineEnd < 0 ? string.Empty : text[(lineEnd + 1)..]);
        return new TableTransactionResponse(
            status,
            statusParts.Length > 2 ? statusParts[2].Trim() : string.Empty,
            headers,
            Encoding.UTF8.GetBytes(content.TrimEnd('\n')),
            clientRequestId);
    }

    /// <summary>Header lines up to the first empty line, and what follows it.</summary>
    private static (Dictionary<string, string> Headers, string Content) SplitHeaders(string part)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int position = 0;
        while (position < part.Length)
        {
            int lineEnd = part.IndexOf('\n', position);
            string line = lineEnd < 0 ? part[position..] : part[position..lineEnd];
            position = lineEnd < 0 ? part.Length : lineEnd + 1;
            if (line.Length == 0)
            {
                break;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return (headers, part[position..]);
    }

    private static string Boundary(string contentType)
    {
        foreach (string parameter in contentType.Split(';', StringSplitOptions.TrimEntries))
        {
            if (parameter.StartsWith("boundary=", StringComparison.OrdinalIgnoreCase))
            {
                return parameter["boundary=".Length..].Trim('"');
            }
        }

        throw new FormatException("The Table service's transaction response is multipart without a boundary.");
    }
}
