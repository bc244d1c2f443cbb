using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using PushFunctions.Testing.Http;

namespace PushFunctions.Testing.Storage;

/// <summary>
/// Stands between a gateway and Azurite's Table service and forwards every request and answer unchanged (the shared-key
/// signature covers the path, not the host, so it stays valid). Before forwarding, it lets a test act on a request it
/// picks: write to Azurite what a concurrent request would have written between the gateway's read and its write (the
/// answer is then Azurite's own), or answer in the service's place what Azurite cannot produce (throttling).
/// </summary>
public sealed partial class TableStorageProxy : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server;
    private readonly HttpClient _azurite;

    private TableStorageProxy(LoopbackHttpServer server, HttpClient azurite, string connectionString)
    {
        _server = server;
        _azurite = azurite;
        ConnectionString = connectionString;
    }

    /// <summary>The Azurite connection string with its table endpoint replaced by the proxy.</summary>
    public string ConnectionString { get; }

    /// <param name="intercept">Called before each request is forwarded; true when it answered the request itself.</param>
    public static async Task<TableStorageProxy> StartAsync(Func<HttpContext, Task<bool>> intercept)
    {
        ArgumentNullException.ThrowIfNull(intercept);
        var original = AzuriteEnvironment.ConnectionString;
        var tableEndpoint = new Uri(TableEndpoint().Match(original).Groups["endpoint"].Value);
        var azurite = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(tableEndpoint.GetLeftPart(UriPartial.Authority)),
            Timeout = TimeSpan.FromSeconds(60),
        };
        var server = await LoopbackHttpServer.StartAsync(async context =>
        {
            if (!await intercept(context))
            {
                await ForwardAsync(azurite, context);
            }
        });
        var proxied = TableEndpoint().Replace(original, $"TableEndpoint={server.BaseAddress.AbsoluteUri.TrimEnd('/')}{tableEndpoint.AbsolutePath};");
        return new TableStorageProxy(server, azurite, proxied);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _azurite.Dispose();
    }

    private static async Task ForwardAsync(HttpClient azurite, HttpContext context)
    {
        var request = context.Request;
        using var forwarded = new HttpRequestMessage(new HttpMethod(request.Method), request.Path.Value + request.QueryString.Value);
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        body.Position = 0;
        forwarded.Content = new StreamContent(body);
        foreach (var (name, values) in request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!forwarded.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                forwarded.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        using var answer = await azurite.SendAsync(forwarded, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)answer.StatusCode;
        foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await answer.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    [GeneratedRegex("TableEndpoint=(?<endpoint>[^;]+);?", RegexOptions.IgnoreCase)]
    private static partial Regex TableEndpoint();
}
