using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Http;
using PushFunctions.Azure.Queues;
using PushFunctions.Azure.Storage;
using PushFunctions.Azure.Tables;
using PushFunctions.Testing.Http;

namespace PushFunctions.UnitTests.Storage;

/// <summary>What the clients put on the wire and how they react to answers, against a real local HTTP server.</summary>
public sealed class StoragePipelineTests
{
    private static readonly StorageSharedKeyCredential Credential = new(
        "devstoreaccount1", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==");

    [Fact]
    public async Task A_503_with_retry_after_is_retried_and_the_retry_succeeds()
    {
        var requests = new ConcurrentQueue<Dictionary<string, string>>();
        await using LoopbackHttpServer server = await LoopbackHttpServer.StartAsync(context =>
        {
            requests.Enqueue(Copy(context.Request.Headers));
            if (requests.Count == 1)
            {
                context.Response.StatusCode = 503;
                context.Response.Headers.RetryAfter = "0";
                return Task.CompletedTask;
            }

            context.Response.Headers["x-ms-approximate-messages-count"] = "5";
            return Task.CompletedTask;
        });

        Response<QueueProperties> properties = await QueueOn(server).GetPropertiesAsync();

        Assert.Equal(5, properties.Value.ApproximateMessagesCount);
        Assert.Equal(2, requests.Count);
        Assert.All(requests, headers => Assert.StartsWith("SharedKey devstoreaccount1:", headers["Authorization"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_400_is_not_retried_and_surfaces_status_and_error_code()
    {
        int requests = 0;
        await using LoopbackHttpServer server = await LoopbackHttpServer.StartAsync(async context =>
        {
            Interlocked.Increment(ref requests);
            context.Response.StatusCode = 400;
            context.Response.Headers["x-ms-error-code"] = "InvalidQueryParameterValue";
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>InvalidQueryParameterValue</Code><Message>Value for one of the query parameters specified in the request URI is invalid.</Message></Error>");
        });

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => QueueOn(server).ReceiveMessagesAsync());

        Assert.Equal(1, requests);
        Assert.Equal(400, failure.Status);
        Assert.Equal("InvalidQueryParameterValue", failure.ErrorCode);
    }

    [Fact]
    public async Task A_persistent_500_is_tried_four_times_by_default()
    {
        int requests = 0;
        await using LoopbackHttpServer server = await LoopbackHttpServer.StartAsync(context =>
        {
            Interlocked.Increment(ref requests);
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => QueueOn(server).GetPropertiesAsync());

        Assert.Equal(500, failure.Status);
        Assert.Equal(4, requests);
    }

    [Fact]
    public async Task A_table_error_body_supplies_the_error_code_when_the_header_is_missing()
    {
        await using LoopbackHttpServer server = await LoopbackHttpServer.StartAsync(async context =>
        {
            context.Response.StatusCode = 409;
            context.Response.ContentType = "application/json;odata=nometadata";
            await context.Response.WriteAsync("{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"The specified entity already exists.\"}}}");
        });

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => TableOn(server).AddEntityAsync(new TableEntity("p", "r")));

        Assert.Equal(409, failure.Status);
        Assert.Equal("EntityAlreadyExists", failure.ErrorCode);
        Assert.Contains("The specified entity already exists.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_transaction_in_the_documented_multipart_shape_names_the_failing_action()
    {
        const string body =
            "--batchresponse_7d8e\r\n" +
            "Content-Type: multipart/mixed; boundary=changesetresponse_1a2b\r\n\r\n" +
            "--changesetresponse_1a2b\r\n" +
            "Content-Type: application/http\r\n" +
            "Content-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 409 Conflict\r\n" +
            "Content-ID: 2\r\n" +
            "Content-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n\r\n" +
            "{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"1:The specified entity already exists.\\nRequestId:1\\nTime:2024-01-02T03:04:05.0000000Z\"}}}\r\n" +
            "--changesetresponse_1a2b--\r\n" +
            "--batchresponse_7d8e--\r\n";
        string? requestContentType = null;
        await using LoopbackHttpServer server = await LoopbackHttpServer.StartAsync(async context =>
        {
            requestContentType = context.Request.ContentType;
            context.Response.StatusCode = 202;
            context.Response.ContentType = "multipart/mixed; boundary=batchresponse_7d8e";
            await context.Response.WriteAsync(body);
        });

        var failure = await Assert.ThrowsAsync<TableTransactionFailedException>(() => TableOn(server).SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity("p", "a")),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "b")),
        ]));

        Assert.StartsWith("multipart/mixed; boundary=batch_", requestContentType, StringComparison.Ordinal);
        Assert.Equal(409, failure.Status);
        Assert.Equal("EntityAlreadyExists", failure.ErrorCode);
        Assert.Equal(1, failure.FailedTransactionActionIndex);
    }

    [Fact]
    public async Task A_token_credential_sends_a_bearer_token_for_the_storage_scope_with_version_and_request_id()
    {
        Dictionary<string, string>? seen = null;
        await using LoopbackHttpServer server = await LoopbackHttpServer.StartAsync(
            context =>
            {
                seen = Copy(context.Request.Headers);
                context.Response.Headers["x-ms-approximate-messages-count"] = "0";
                return Task.CompletedTask;
            },
            https: true);
        var credential = new RecordingTokenCredential("token-123");
        var options = new QueueClientOptions { Transport = new HttpClientTransport(server.CreateTrustingHandler()) };
        var queue = new QueueClient(new Uri(server.BaseAddress, "devstoreaccount1/orders"), credential, options);

        await queue.GetPropertiesAsync();

        Assert.NotNull(seen);
        Assert.Equal("Bearer token-123", seen["Authorization"]);
        Assert.Equal("2025-05-05", seen["x-ms-version"]);
        Assert.True(Guid.TryParse(seen["x-ms-client-request-id"], out _));
        Assert.Equal(["https://storage.azure.com/.default"], credential.RequestedScopes);
    }

    [Fact]
    public async Task A_table_client_with_a_token_credential_sends_the_table_service_version()
    {
        Dictionary<string, string>? seen = null;
        await using LoopbackHttpServer server = await LoopbackHttpServer.StartAsync(
            context =>
            {
                seen = Copy(context.Request.Headers);
                context.Response.StatusCode = 204;
                return Task.CompletedTask;
            },
            https: true);
        var options = new TableClientOptions { Transport = new HttpClientTransport(server.CreateTrustingHandler()) };
        var table = new TableClient(server.BaseAddress, "people", new RecordingTokenCredential("token-456"), options);

        await table.UpsertEntityAsync(new TableEntity("p", "r"));

        Assert.NotNull(seen);
        Assert.Equal("Bearer token-456", seen["Authorization"]);
        Assert.Equal("2019-02-02", seen["x-ms-version"]);
    }

    /// <summary>Kestrel recycles a request's header collection once the response is done, so tests keep a copy.</summary>
    private static Dictionary<string, string> Copy(IHeaderDictionary headers) =>
        headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    private static QueueClient QueueOn(LoopbackHttpServer server) =>
        new(new Uri(server.BaseAddress, "devstoreaccount1/orders"), Credential, new QueueClientOptions { Retry = { Delay = TimeSpan.FromMilliseconds(1) } });

    private static TableClient TableOn(LoopbackHttpServer server) =>
        new(new Uri(server.BaseAddress, "devstoreaccount1"), "people", Credential, new TableClientOptions { Retry = { Delay = TimeSpan.FromMilliseconds(1) } });

    /// <summary>Hands out a fixed token and remembers which scopes were asked for, as an Entra credential would be asked.</summary>
    private sealed class RecordingTokenCredential(string token) : TokenCredential
    {
        public List<string> RequestedScopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            RequestedScopes.AddRange(requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
