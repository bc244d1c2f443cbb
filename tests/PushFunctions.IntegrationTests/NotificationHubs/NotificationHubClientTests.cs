using System.Diagnostics;
using System.Net;
using System.Text;
using Azure;
using PushFunctions.Azure.NotificationHubs;
using PushFunctions.Testing.NotificationHubs;

namespace PushFunctions.IntegrationTests.NotificationHubs;

public sealed class NotificationHubClientTests : IAsyncLifetime
{
    private const string Body = """{"aps":{"alert":"hello"}}""";
    private static readonly Dictionary<string, string> AlertHeaders = new() { ["apns-push-type"] = "alert", ["apns-priority"] = "10" };
    private LocalNotificationHub _hub = null!;

    public async Task InitializeAsync() => _hub = await LocalNotificationHub.StartAsync("hub", "other-hub");

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_direct_send_reaches_the_hub_with_format_headers_and_handle_and_returns_the_notification_id()
    {
        var receipt = await Client().SendDirectNotificationAsync("apple", Body, AlertHeaders, "apns-token-1");

        var received = Assert.Single(_hub.Received);
        Assert.Equal(("hub", HubRoute.DirectSend, "apple", "apns-token-1", Body), (received.Hub, received.Route, received.Format, received.Handle, received.Body));
        Assert.Equal("alert", received.Headers["apns-push-type"]);
        Assert.Equal("10", received.Headers["apns-priority"]);
        Assert.Equal("application/json;charset=utf-8", received.ContentType);
        Assert.Equal(received.NotificationId, receipt.Value.NotificationId);
        Assert.Equal(201, receipt.GetRawResponse().Status);
    }

    [Fact]
    public async Task A_batch_of_a_thousand_handles_is_one_multipart_request_and_every_handle_gets_the_notification()
    {
        var handles = Enumerable.Range(0, 1000).Select(i => $"fcm-{i}").ToList();

        var receipt = await Client().SendDirectBatchAsync("fcmv1", """{"message":{}}""", null, handles);

        Assert.Equal(1, _hub.RequestCount(HubRoute.DirectBatchSend));
        Assert.Equal(handles, _hub.Received.Select(r => r.Handle));
        Assert.All(_hub.Received, r => Assert.Equal(("fcmv1", """{"message":{}}""", receipt.Value.NotificationId), (r.Format, r.Body, r.NotificationId)));
    }

    [Fact]
    public async Task A_wns_raw_notification_goes_as_octet_stream_with_its_wns_type()
    {
        await Client().SendDirectNotificationAsync("windows", """{"alert":"x"}""", new Dictionary<string, string> { ["X-WNS-Type"] = "wns/raw" }, "https://wns/channel?token=1");

        var received = Assert.Single(_hub.Received);
        Assert.Equal("application/octet-stream", received.ContentType);
        Assert.Equal("wns/raw", received.Headers["X-WNS-Type"]);
    }

    [Fact]
    public async Task More_than_a_thousand_handles_are_refused_before_anything_is_sent()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Client().SendDirectBatchAsync("apple", Body, null, Enumerable.Range(0, 1001).Select(i => $"h{i}").ToList()));

        Assert.Equal(0, _hub.RequestCount(HubRoute.DirectBatchSend));
    }

    [Fact]
    public async Task A_wrong_key_is_answered_401_and_not_retried()
    {
        var client = new NotificationHubClient(_hub.ConnectionStringWithKey(Convert.ToBase64String(new byte[32])), "hub", FastRetries());

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => client.SendDirectNotificationAsync("apple", Body, null, "h"));

        Assert.Equal(401, error.Status);
        Assert.Contains("InvalidSignature", NotificationHubFailure.Detail(error), StringComparison.Ordinal);
        Assert.Equal(1, _hub.RequestCount(HubRoute.DirectSend));
        Assert.Empty(_hub.Received);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(410)]
    [InlineData(413)]
    public async Task Final_answers_are_not_retried(int status)
    {
        _hub.AnswerForRoute(HubRoute.DirectSend, status, times: 1);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Client().SendDirectNotificationAsync("apple", Body, null, "h"));

        Assert.Equal(status, error.Status);
        Assert.Equal(1, _hub.RequestCount(HubRoute.DirectSend));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    [InlineData(500)]
    public async Task Throttling_and_server_faults_are_retried_after_the_hubs_retry_after_and_then_succeed(int status)
    {
        _hub.AnswerForRoute(HubRoute.DirectSend, status, retryAfter: TimeSpan.FromSeconds(1), times: 1);

        var clock = Stopwatch.StartNew();
        var receipt = await Client().SendDirectNotificationAsync("apple", Body, null, "h");

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"retried after {clock.Elapsed}, before the hub's Retry-After of 1 s");
        Assert.Equal(2, _hub.RequestCount(HubRoute.DirectSend));
        Assert.NotNull(receipt.Value.NotificationId);
    }

    [Fact]
    public async Task A_fault_that_persists_fails_with_the_last_status_after_the_configured_retries()
    {
        _hub.AnswerForRoute(HubRoute.DirectSend, 503);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Client().SendDirectNotificationAsync("apple", Body, null, "h"));

        Assert.Equal(503, error.Status);
        Assert.Equal(3, _hub.RequestCount(HubRoute.DirectSend));
    }

    [Fact]
    public async Task A_token_signed_for_another_hub_is_rejected()
    {
        using var http = new HttpClient();
        using var request = DirectSendRequest("hub", "apple");
        request.Headers.TryAddWithoutValidation("Authorization", SharedAccessSignature.Create(
            new Uri(_hub.Endpoint, "other-hub"), LocalNotificationHub.KeyName, _hub.Key, DateTimeOffset.UtcNow.AddHours(1)));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("InvalidAudience", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_token_is_rejected()
    {
        using var http = new HttpClient();
        using var request = DirectSendRequest("hub", "apple");
        request.Headers.TryAddWithoutValidation("Authorization", SharedAccessSignature.Create(
            new Uri(_hub.Endpoint, "hub"), LocalNotificationHub.KeyName, _hub.Key, DateTimeOffset.UtcNow.AddSeconds(-1)));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("ExpiredToken", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("gcm-legacy")]
    public async Task A_missing_or_unknown_format_is_answered_400(string? format)
    {
        using var http = new HttpClient();
        using var request = Signed(DirectSendRequest("hub", format));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_hub.Received);
    }

    [Theory]
    [InlineData("--b\r\nContent-Type: application/json\r\nContent-Disposition: inline; name=notification\r\n\r\n{}\r\n--b--\r\n")]
    [InlineData("--b\r\nContent-Disposition: inline; name=notification\r\n\r\n{}\r\n--b\r\nContent-Disposition: inline; name=devices\r\n\r\n\"not-an-array\"\r\n--b--\r\n")]
    [InlineData("this is not multipart at all")]
    public async Task A_malformed_multipart_batch_is_answered_400(string body)
    {
        using var http = new HttpClient();
        using var request = Signed(new HttpRequestMessage(HttpMethod.Post, new Uri(_hub.Endpoint, "hub/messages/$batch?direct&api-version=2020-06"))
        {
            Content = new StringContent(body, Encoding.UTF8),
        });
        request.Content!.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/mixed; boundary=\"b\"");
        request.Headers.Add("ServiceBusNotification-Format", "apple");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_hub.Received);
    }

    [Fact]
    public async Task A_raw_batch_of_more_than_a_thousand_handles_is_answered_400()
    {
        var devices = "[" + string.Join(',', Enumerable.Range(0, 1001).Select(i => $"\"h{i}\"")) + "]";
        using var http = new HttpClient();
        using var request = Signed(new HttpRequestMessage(HttpMethod.Post, new Uri(_hub.Endpoint, "hub/messages/$batch?direct&api-version=2020-06"))
        {
            Content = new StringContent(
                $"--b\r\nContent-Type: application/json\r\nContent-Disposition: inline; name=notification\r\n\r\n{{}}\r\n--b\r\nContent-Type: application/json\r\nContent-Disposition: inline; name=devices\r\n\r\n{devices}\r\n--b--\r\n",
                Encoding.UTF8),
        });
        request.Content!.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/mixed; boundary=\"b\"");
        request.Headers.Add("ServiceBusNotification-Format", "apple");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 1000", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_send_to_a_hub_the_namespace_lacks_is_404_entity_not_found_and_not_retried()
    {
        var client = new NotificationHubClient(_hub.ConnectionString, "hubb", FastRetries());

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => client.SendDirectBatchAsync("apple", Body, null, ["a", "b"]));

        Assert.Equal((404, NotificationHubErrorCode.MessagingEntityNotFound), (error.Status, error.ErrorCode));
        Assert.Equal(1, _hub.RequestCount(HubRoute.DirectBatchSend));
    }

    /// <summary>
    /// The send APIs document 403 as "quota exceeded or message too large"; the official client also reads a 403 with
    /// Retry-After as throttling and a 403 without a reason (as a Listen-only policy's send is answered) as missing rights.
    /// </summary>
    [Theory]
    [InlineData(LocalNotificationHub.QuotaExceededDetail, false, NotificationHubErrorCode.QuotaExceeded)]
    [InlineData(LocalNotificationHub.MessageTooLargeDetail, false, NotificationHubErrorCode.MessageSizeExceeded)]
    [InlineData(LocalNotificationHub.NotAvailableForTierDetail, false, NotificationHubErrorCode.NotAvailableForTier)]
    [InlineData("", false, NotificationHubErrorCode.Forbidden)]
    [InlineData("", true, NotificationHubErrorCode.QuotaExceeded)]
    public async Task A_403_is_named_by_its_detail_or_retry_after_and_not_retried(string detail, bool retryAfter, string errorCode)
    {
        _hub.AnswerForRoute(HubRoute.DirectSend, 403, retryAfter: retryAfter ? TimeSpan.FromSeconds(1) : null, detail: detail);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Client().SendDirectNotificationAsync("apple", Body, null, "h"));

        Assert.Equal((403, errorCode), (error.Status, error.ErrorCode));
        Assert.Equal(1, _hub.RequestCount(HubRoute.DirectSend));
    }

    [Fact]
    public async Task A_free_tier_hub_refuses_batch_send_for_its_tier_and_takes_direct_sends()
    {
        _hub.Tier = HubTier.Free;

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Client().SendDirectBatchAsync("apple", Body, null, ["a", "b"]));
        var direct = await Client().SendDirectNotificationAsync("apple", Body, null, "a");

        Assert.Equal((403, NotificationHubErrorCode.NotAvailableForTier), (error.Status, error.ErrorCode));
        Assert.Equal(201, direct.GetRawResponse().Status);
        Assert.Null(direct.Value.NotificationId);
    }

    [Fact]
    public async Task Pushes_beyond_the_namespaces_quota_are_refused_403_quota_exceeded()
    {
        _hub.PushesLeft = 1;

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Client().SendDirectBatchAsync("apple", Body, null, ["a", "b"]));
        await Client().SendDirectNotificationAsync("apple", Body, null, "a");

        Assert.Equal((403, NotificationHubErrorCode.QuotaExceeded), (error.Status, error.ErrorCode));
        Assert.Equal(["a"], _hub.Received.Select(r => r.Handle));
    }

    [Fact]
    public async Task Standard_tier_telemetry_counts_each_verdict_and_its_error_details_list_the_refused_handles()
    {
        _hub.ReportPnsError("apns-dead", "ExpiredChannel");
        var receipt = await Client().SendDirectBatchAsync("apple", Body, AlertHeaders, ["apns-live", "apns-dead"]);

        var details = (await Client().GetNotificationOutcomeDetailsAsync(receipt.Value.NotificationId!)).Value;
        var feedback = (await Client().GetPnsErrorDetailsAsync(details.PnsErrorDetailsUri!)).Value;

        Assert.Equal((receipt.Value.NotificationId, NotificationOutcomeState.Completed), (details.NotificationId, details.State));
        Assert.Equal(
            [new NotificationOutcomeCount("Apns", "Success", 1), new NotificationOutcomeCount("Apns", "ExpiredChannel", 1)],
            details.OutcomeCounts);
        Assert.Equal([new PnsFeedback("ExpiredChannel", "apns-dead", receipt.Value.NotificationId)], feedback);
        Assert.Equal(1, _hub.RequestCount(HubRoute.PnsErrorDetails));
    }

    [Fact]
    public async Task Telemetry_is_404_until_the_hub_has_processed_the_notification_and_has_no_error_details_without_errors()
    {
        _hub.HoldTelemetry = true;
        var receipt = await Client().SendDirectNotificationAsync("fcmv1", """{"message":{}}""", null, "fcm-1");

        var early = await Assert.ThrowsAsync<RequestFailedException>(() => Client().GetNotificationOutcomeDetailsAsync(receipt.Value.NotificationId!));
        _hub.HoldTelemetry = false;
        var details = (await Client().GetNotificationOutcomeDetailsAsync(receipt.Value.NotificationId!)).Value;

        Assert.Equal(404, early.Status);
        Assert.Equal([new NotificationOutcomeCount("FcmV1", "Success", 1)], details.OutcomeCounts);
        Assert.Null(details.PnsErrorDetailsUri);
    }

    [Theory]
    [InlineData(HubTier.Free)]
    [InlineData(HubTier.Basic)]
    public async Task Below_standard_sends_carry_no_notification_id_and_telemetry_is_refused_for_the_tier(HubTier tier)
    {
        _hub.Tier = tier;

        var receipt = await Client().SendDirectNotificationAsync("apple", Body, null, "a");
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => Client().GetNotificationOutcomeDetailsAsync("1"));

        Assert.Null(receipt.Value.NotificationId);
        Assert.Equal((403, NotificationHubErrorCode.NotAvailableForTier), (error.Status, error.ErrorCode));
    }

    [Fact]
    public async Task The_error_details_blob_is_read_by_its_sas_alone_and_refuses_the_hubs_signature_or_a_forged_sas()
    {
        _hub.ReportPnsError("apns-dead", "BadChannel");
        var receipt = await Client().SendDirectNotificationAsync("apple", Body, null, "apns-dead");
        var blob = (await Client().GetNotificationOutcomeDetailsAsync(receipt.Value.NotificationId!)).Value.PnsErrorDetailsUri!;
        using var http = new HttpClient();

        using var withHubSignature = Signed(new HttpRequestMessage(HttpMethod.Get, blob));
        using var signed = await http.SendAsync(withHubSignature);
        using var forged = await http.GetAsync(new Uri(blob.AbsoluteUri.Replace("sig=", "sig=x", StringComparison.Ordinal)));
        using var plain = await http.GetAsync(blob);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.Forbidden, HttpStatusCode.OK), (signed.StatusCode, forged.StatusCode, plain.StatusCode));
    }

    private NotificationHubClient Client() => new(_hub.ConnectionString, "hub", FastRetries());

    private static NotificationHubClientOptions FastRetries() =>
        new() { Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(20) } };

    private HttpRequestMessage DirectSendRequest(string hub, string? format)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_hub.Endpoint, $"{hub}/messages/?direct&api-version=2020-06"))
        {
            Content = new StringContent(Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("ServiceBusNotification-DeviceHandle", "h");
        if (format is not null)
        {
            request.Headers.Add("ServiceBusNotification-Format", format);
        }

        return request;
    }

    private HttpRequestMessage Signed(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("Authorization", SharedAccessSignature.Create(
            new Uri(_hub.Endpoint, "hub"), LocalNotificationHub.KeyName, _hub.Key, DateTimeOffset.UtcNow.AddHours(1)));
        return request;
    }
}
