using System.Globalization;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace PushFunctions.Azure.Storage;

/// <summary>
/// Signs each try of a request with the account key ("Authorize with Shared Key"): SharedKey for the Queue service,
/// SharedKeyLite for the Table service. It runs per retry so every try carries a fresh x-ms-date and signature;
/// the service rejects signatures more than 15 minutes old, and retries with back-off can get there.
/// </summary>
internal sealed class StorageSharedKeyPolicy : HttpPipelineSynchronousPolicy
{
    private readonly StorageSharedKeyCredential _credential;
    private readonly StorageService _service;
    private readonly TimeProvider _clock;

    public StorageSharedKeyPolicy(StorageSharedKeyCredential credential, StorageService service, TimeProvider? clock = null)
    {
        _credential = credential;
        _service = service;
        _clock = clock ?? TimeProvider.System;
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        Request request = message.Request;
        request.Headers.SetValue("x-ms-date", _clock.GetUtcNow().ToString("R", CultureInfo.InvariantCulture));

        string stringToSign = BuildStringToSign(request);
        string scheme = _service == StorageService.Table ? "SharedKeyLite" : "SharedKey";
        request.Headers.SetValue(HttpHeader.Names.Authorization, $"{scheme} {_credential.AccountName}:{_credential.ComputeSignature(stringToSign)}");
    }

    internal string BuildStringToSign(Request request) =>
        _service == StorageService.Table ? BuildTableStringToSign(request) : BuildQueueStringToSign(request);

    /// <summary>SharedKeyLite for tables: the date and the resource, where only the comp parameter of the query counts.</summary>
    private string BuildTableStringToSign(Request request)
    {
        Uri uri = request.Uri.ToUri();
        var resource = new StringBuilder().Append('/').Append(_credential.AccountName).Append(uri.AbsolutePath);
        string? comp = ParseQuery(uri).GetValueOrDefault("comp");
        if (comp is not null)
        {
            resource.Append("?comp=").Append(comp);
        }

        return Header(request, "x-ms-date") + "\n" + resource;
    }

    /// <summary>SharedKey for blobs, queues and files (version 2015-02-21 and later).</summary>
    private string BuildQueueStringToSign(Request request)
    {
        // Content-Length is an empty line when there is no body; the transport, not the headers, knows the length.
        string contentLength = request.Content is not null && request.Content.TryComputeLength(out long length) && length > 0
            ? length.ToString(CultureInfo.InvariantCulture)
            : string.Empty;

        var text = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(Header(request, "Content-Encoding")).Append('\n')
            .Append(Header(request, "Content-Language")).Append('\n')
            .Append(contentLength).Append('\n')
            .Append(Header(request, "Content-MD5")).Append('\n')
            .Append(Header(request, "Content-Type")).Append('\n')
            .Append('\n') // Date: empty because x-ms-date is always sent.
            .Append(Header(request, "If-Modified-Since")).Append('\n')
            .Append(Header(request, "If-Match")).Append('\n')
            .Append(Header(request, "If-None-Match")).Append('\n')
            .Append(Header(request, "If-Unmodified-Since")).Append('\n')
            .Append(Header(request, "Range")).Append('\n');

        foreach (HttpHeader header in request.Headers
            .Where(h => h.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => new HttpHeader(h.Name.ToLowerInvariant(), h.Value.Trim()))
            .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            text.Append(header.Name).Append(':').Append(header.Value).Append('\n');
        }

        Uri uri = request.Uri.ToUri();
        text.Append('/').Append(_credential.AccountName).Append(uri.AbsolutePath);
        foreach ((string name, string values) in ParseQuery(uri).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(name).Append(':').Append(values);
        }

        return text.ToString();
    }

    private static string Header(Request request, string name) =>
        request.Headers.TryGetValue(name, out string? value) ? value : string.Empty;

    /// <summary>Query parameters with lowercase names and decoded values; repeated names join their sorted values with commas.</summary>
    private static Dictionary<string, string> ParseQuery(Uri uri) =>
        uri.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .GroupBy(pair => Uri.UnescapeDataString(pair[0]).ToLowerInvariant(), StringComparer.Ordinal)
            .ToDictionary(
                group => group.Key,
                group => string.Join(',', group.Select(pair => pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : string.Empty).Order(StringComparer.Ordinal)),
                StringComparer.Ordinal);
}
