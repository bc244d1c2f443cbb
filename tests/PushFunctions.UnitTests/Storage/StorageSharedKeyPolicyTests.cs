using Azure.Core;
using Azure.Core.Pipeline;
using PushFunctions.Azure.Storage;
using PushFunctions.Azure.Tables;

namespace PushFunctions.UnitTests.Storage;

/// <summary>
/// Signatures checked against vectors derived by hand from "Authorize with Shared Key" (string-to-sign written out
/// below, HMAC-SHA256 computed independently of this code). Azurite accepting real requests is the other check.
/// </summary>
public sealed class StorageSharedKeyPolicyTests
{
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly DateTimeOffset SigningTime = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly StorageSharedKeyCredential Credential = new("devstoreaccount1", DevelopmentKey);

    [Fact]
    public void A_queue_request_is_signed_with_SharedKey_over_method_content_headers_and_canonical_resource()
    {
        HttpMessage message = CreateMessage(RequestMethod.Put, "http://127.0.0.1:10001/devstoreaccount1/orders/messages/abc?visibilitytimeout=30&popreceipt=AB%2BC%2F%3D");
        message.Request.Headers.SetValue("Content-Type", "application/xml; charset=utf-8");
        message.Request.Headers.SetValue("x-ms-version", "2025-05-05");
        message.Request.Headers.SetValue("x-ms-client-request-id", "0f9a6d1e-8f44-4c1c-9d3a-2b7c1a5e6f00");
        message.Request.Content = RequestContent.Create("hello, world!"u8.ToArray());
        var policy = new StorageSharedKeyPolicy(Credential, StorageService.Queue, new FixedClock(SigningTime));

        policy.OnSendingRequest(message);

        Assert.Equal(
            "PUT\n\n\n13\n\napplication/xml; charset=utf-8\n\n\n\n\n\n\n" +
            "x-ms-client-request-id:0f9a6d1e-8f44-4c1c-9d3a-2b7c1a5e6f00\n" +
            "x-ms-date:Tue, 02 Jan 2024 03:04:05 GMT\n" +
            "x-ms-version:2025-05-05\n" +
            "/devstoreaccount1/devstoreaccount1/orders/messages/abc\npopreceipt:AB+C/=\nvisibilitytimeout:30",
            policy.BuildStringToSign(message.Request));
        Assert.Equal("Tue, 02 Jan 2024 03:04:05 GMT", Header(message, "x-ms-date"));
        Assert.Equal("SharedKey devstoreaccount1:btVLyNCTVrHMVz5+kuJJoMzD4PBwI5Z9aY+jJPkB098=", Header(message, "Authorization"));
    }

    [Fact]
    public void A_table_request_is_signed_with_SharedKeyLite_over_date_and_path_only()
    {
        HttpMessage message = CreateMessage(RequestMethod.Get, "http://127.0.0.1:10002/devstoreaccount1/people(PartitionKey='a',RowKey='b')?$select=Name");
        message.Request.Headers.SetValue("x-ms-version", "2019-02-02");
        var policy = new StorageSharedKeyPolicy(Credential, StorageService.Table, new FixedClock(SigningTime));

        policy.OnSendingRequest(message);

        Assert.Equal(
            "Tue, 02 Jan 2024 03:04:05 GMT\n/devstoreaccount1/devstoreaccount1/people(PartitionKey='a',RowKey='b')",
            policy.BuildStringToSign(message.Request));
        Assert.Equal("SharedKeyLite devstoreaccount1:K4NC9zg5A7/S9puXoPDb0AdPs6o3jPC0NZtHD8b8M+c=", Header(message, "Authorization"));
    }

    [Fact]
    public void Each_try_is_signed_afresh_with_the_time_of_that_try()
    {
        var clock = new FixedClock(SigningTime);
        HttpMessage message = CreateMessage(RequestMethod.Get, "http://127.0.0.1:10002/devstoreaccount1/people()");
        var policy = new StorageSharedKeyPolicy(Credential, StorageService.Table, clock);

        policy.OnSendingRequest(message);
        string first = Header(message, "Authorization");
        clock.Now = SigningTime.AddSeconds(30);
        policy.OnSendingRequest(message);

        Assert.Equal("Tue, 02 Jan 2024 03:04:35 GMT", Header(message, "x-ms-date"));
        Assert.NotEqual(first, Header(message, "Authorization"));
    }

    private static HttpMessage CreateMessage(RequestMethod method, string uri)
    {
        HttpMessage message = HttpPipelineBuilder.Build(new TableClientOptions()).CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(new Uri(uri));
        return message;
    }

    private static string Header(HttpMessage message, string name) =>
        message.Request.Headers.TryGetValue(name, out string? value) ? value : throw new InvalidOperationException($"No {name} header.");

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
