using System.Net;
using System.Text;
using Azure;
using Azure.Core.Pipeline;
using PushFunctions.Azure.ServiceBus;
using PushFunctions.Testing.ServiceBus;

namespace PushFunctions.IntegrationTests.ServiceBus;

/// <summary>The Service Bus client against the local namespace, which refuses what the real one refuses.</summary>
public sealed class ServiceBusSenderTests : IAsyncLifetime
{
    private const string Queue = "pings";
    private LocalServiceBus _bus = null!;

    public async Task InitializeAsync() => _bus = await LocalServiceBus.StartAsync([Queue]);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task Send_with_a_connection_string_delivers_the_body_with_its_message_id_and_time_to_live()
    {
        var sender = new ServiceBusClient(_bus.ConnectionString).CreateSender(Queue);

        var response = await sender.SendMessageAsync(new ServiceBusMessage("""{"id":"e1","pings":[]}""") { MessageId = "e1", TimeToLive = TimeSpan.FromMinutes(90) });

        Assert.Equal(201, response.Status);
        var message = Assert.Single(_bus.Messages(Queue));
        Assert.Equal("e1", message.MessageId);
        Assert.Equal(TimeSpan.FromMinutes(90), message.TimeToLive);
        Assert.Equal("""{"id":"e1","pings":[]}""", message.BodyText);
    }

    [Fact]
    public async Task A_batch_send_delivers_every_message_in_one_request_in_order()
    {
        var sender = new ServiceBusClient(_bus.ConnectionString).CreateSender(Queue);
        // Quotes, backslashes and non-ASCII text survive the trip through the batch's JSON Body strings.
        var bodies = new[] { """{"m":"a \"quoted\" word"}""", "{\"m\":\"back\\\\slash\"}", """{"m":"émoji 🚀"}""" };

        await sender.SendMessagesAsync(bodies.Select((b, i) => new ServiceBusMessage(b) { MessageId = $"m{i}", TimeToLive = TimeSpan.FromDays(1) }));

        Assert.Equal(1, _bus.Requests);
        Assert.Equal(bodies, _bus.Messages(Queue).Select(m => m.BodyText));
        Assert.Equal(["m0", "m1", "m2"], _bus.Messages(Queue).Select(m => m.MessageId));
        Assert.All(_bus.Messages(Queue), m => Assert.Equal(TimeSpan.FromDays(1), m.TimeToLive));
    }

    [Fact]
    public async Task A_batch_filled_to_its_limit_is_accepted_and_the_next_message_does_not_fit()
    {
        var sender = new ServiceBusClient(_bus.ConnectionString).CreateSender(Queue);
        var batch = await sender.CreateMessageBatchAsync();
        var count = 0;
        while (batch.TryAddMessage(new ServiceBusMessage(new string('x', 10_000)) { MessageId = $"big-{count}" }))
        {
            count++;
        }

        await sender.SendMessagesAsync(batch);

        Assert.Equal(ServiceBusClientOptions.StandardTierMaxMessageSizeInBytes, batch.MaxSizeInBytes);
        Assert.True(count > 20, $"{count} messages of 10 kB");
        Assert.Equal(count, _bus.Messages(Queue).Count);
        Assert.Throws<ArgumentException>(() => sender.SendMessagesAsync(
            Enumerable.Range(0, count + 1).Select(i => new ServiceBusMessage(new string('x', 10_000)))).GetAwaiter().GetResult());
    }

    [Fact]
    public async Task A_message_sent_twice_with_the_same_id_is_kept_once()
    {
        var sender = new ServiceBusClient(_bus.ConnectionString).CreateSender(Queue);

        await sender.SendMessageAsync(new ServiceBusMessage("first") { MessageId = "same" });
        await sender.SendMessagesAsync([new ServiceBusMessage("second") { MessageId = "same" }, new ServiceBusMessage("third") { MessageId = "other" }]);

        Assert.Equal(["first", "third"], _bus.Messages(Queue).Select(m => m.BodyText));
    }

    [Fact]
    public async Task Server_busy_answers_are_retried_by_the_pipeline_until_the_send_succeeds()
    {
        var sender = new ServiceBusClient(_bus.ConnectionString, FastRetries()).CreateSender(Queue);
        _bus.FailNextRequests(2);

        await sender.SendMessageAsync(new ServiceBusMessage("eventually") { MessageId = "retried" });

        Assert.Equal(3, _bus.Requests);
        Assert.Single(_bus.Messages(Queue));
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_401_unauthorized()
    {
        var connectionString = _bus.ConnectionString.Replace(_bus.Key, Convert.ToBase64String(new byte[32]), StringComparison.Ordinal);
        var sender = new ServiceBusClient(connectionString).CreateSender(Queue);

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));

        Assert.Equal(401, error.Status);
        Assert.Equal(ServiceBusErrorCode.Unauthorized, error.ErrorCode);
        Assert.DoesNotContain(_bus.Key, error.Message, StringComparison.Ordinal);
        Assert.Empty(_bus.Messages(Queue));
    }

    [Fact]
    public async Task A_queue_that_does_not_exist_is_reported_as_messaging_entity_not_found()
    {
        var sender = new ServiceBusClient(_bus.ConnectionString).CreateSender("no-such-queue");

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));

        Assert.Equal(410, error.Status);
        Assert.Equal(ServiceBusErrorCode.MessagingEntityNotFound, error.ErrorCode);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_refused_before_anything_is_sent()
    {
        var sender = new ServiceBusClient(_bus.ConnectionString).CreateSender(Queue);

        await Assert.ThrowsAsync<ArgumentException>(() => sender.SendMessageAsync(new ServiceBusMessage(new string('x', (256 * 1024) + 1))));

        Assert.Equal(0, _bus.Requests);
    }

    [Fact]
    public async Task The_server_refuses_a_message_or_batch_over_256_KiB_as_too_large()
    {
        using var http = new HttpClient { BaseAddress = _bus.Endpoint };
        using var single = Post(new ByteArrayContent(new byte[(256 * 1024) + 1]), "application/octet-stream");
        var entries = string.Join(",", Enumerable.Range(0, 30).Select(i => $$"""{"Body":"{{new string('x', 10_000)}}"}"""));
        using var batch = Post(new StringContent($"[{entries}]"), LocalServiceBus.BatchContentType);

        using var singleResponse = await http.SendAsync(single);
        using var batchResponse = await http.SendAsync(batch);

        Assert.Equal(HttpStatusCode.Forbidden, singleResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, batchResponse.StatusCode);
        Assert.Contains("size", await batchResponse.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_bus.Messages(Queue));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""["an array"]""")]
    [InlineData("""{"MessageId":42}""")]
    [InlineData("""{"MessageId":""}""")]
    [InlineData("""{"TimeToLive":"one day"}""")]
    [InlineData("""{"TimeToLive":-5}""")]
    public async Task The_server_refuses_malformed_broker_properties_with_400(string brokerProperties)
    {
        using var http = new HttpClient { BaseAddress = _bus.Endpoint };
        using var request = Post(new StringContent("body"), "text/plain");
        request.Headers.TryAddWithoutValidation("BrokerProperties", brokerProperties);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_bus.Messages(Queue));
    }

    [Theory]
    [InlineData("""{"Body":"x"}""", "application/vnd.microsoft.servicebus.json; charset=utf-8")]
    [InlineData("""[]""", LocalServiceBus.BatchContentType)]
    [InlineData("""[{"Body":42}]""", LocalServiceBus.BatchContentType)]
    [InlineData("""[{"Body":"x","BrokerProperties":"MessageId=1"}]""", LocalServiceBus.BatchContentType)]
    [InlineData("""[{"Body":"x"}""", LocalServiceBus.BatchContentType)]
    public async Task The_server_refuses_malformed_batches_and_batch_content_types_with_parameters_with_400(string body, string contentType)
    {
        using var http = new HttpClient { BaseAddress = _bus.Endpoint };
        using var request = Post(new StringContent(body), contentType);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_bus.Messages(Queue));
    }

    [Fact]
    public async Task The_server_refuses_missing_expired_forged_and_misdirected_sas_tokens()
    {
        using var http = new HttpClient { BaseAddress = _bus.Endpoint };
        var later = DateTimeOffset.UtcNow.AddHours(1);
        string?[] refused =
        [
            null,
            _bus.CreateSasToken(DateTimeOffset.UtcNow.AddMinutes(-1)),
            _bus.CreateSasToken(later, key: Convert.ToBase64String(new byte[32])),
            _bus.CreateSasToken(later, keyName: "SomeoneElse"),
            _bus.CreateSasToken(later, resource: new Uri(_bus.Endpoint, "other-queue").AbsoluteUri),
            "Basic dXNlcjpwYXNz",
        ];

        foreach (var token in refused)
        {
            using var request = Post(new StringContent("x"), "text/plain", token);
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{token ?? "(no token)"} answered {response.StatusCode}");
        }

        using var valid = Post(new StringContent("x"), "text/plain", _bus.CreateSasToken(later, resource: new Uri(_bus.Endpoint, Queue).AbsoluteUri));
        using var accepted = await http.SendAsync(valid);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    private static ServiceBusClientOptions FastRetries()
    {
        var options = new ServiceBusClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        return options;
    }

    private HttpRequestMessage Post(HttpContent content, string contentType, string? token = "")
    {
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/{Queue}/messages") { Content = content };
        token = token == string.Empty ? _bus.CreateSasToken(DateTimeOffset.UtcNow.AddHours(1)) : token;
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", token);
        }

        return request;
    }
}
