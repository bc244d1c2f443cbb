using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;

namespace PushFunctions.Azure.Tables;

/// <summary>The response to one action of an entity group transaction, cut out of the multipart batch response.</summary>
internal sealed class TableTransactionResponse : Response
{
    private readonly Dictionary<string, string> _headers;

    public TableTransactionResponse(int status, string reasonPhrase, Dictionary<string, string> headers, byte[] content, string clientRequestId)
    {
        Status = status;
        ReasonPhrase = reasonPhrase;
        _headers = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        ContentStream = new MemoryStream(content, writable: false);
        ClientRequestId = clientRequestId;
    }

    public override int Status { get; }

    public override string ReasonPhrase { get; }

    public override Stream? ContentStream { get; set; }

    public override string ClientRequestId { get; set; }

    public override bool IsError => Status >= 400;

    public override void Dispose() => ContentStream?.Dispose();

    protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => _headers.TryGetValue(name, out value);

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        bool found = _headers.TryGetValue(name, out string? value);
        values = found ? value!.Split(',', StringSplitOptions.TrimEntries) : null;
        return found;
    }
}
