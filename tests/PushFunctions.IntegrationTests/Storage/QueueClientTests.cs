using Azure;
using PushFunctions.Azure.Queues;
using PushFunctions.Azure.Storage;
using PushFunctions.Testing;

namespace PushFunctions.IntegrationTests.Storage;

public sealed class QueueClientTests : IAsyncLifetime
{
    private readonly QueueClient _queue = new(AzuriteEnvironment.ConnectionString, AzuriteEnvironment.NewQueueName("messages"));

    public Task InitializeAsync() => _queue.CreateIfNotExistsAsync();

    public Task DisposeAsync() => _queue.DeleteIfExistsAsync();

    [Fact]
    public async Task Create_if_not_exists_on_an_existing_queue_succeeds_and_delete_if_exists_says_whether_it_existed()
    {
        await _queue.CreateIfNotExistsAsync();

        Assert.True((await _queue.DeleteIfExistsAsync()).Value);
        Assert.False((await _queue.DeleteIfExistsAsync()).Value);
    }

    [Fact]
    public async Task A_sent_message_is_received_once_with_its_text_and_then_hidden()
    {
        SendReceipt sent = (await _queue.SendMessageAsync("hello")).Value;

        QueueMessage received = Assert.Single((await _queue.ReceiveMessagesAsync(maxMessages: 32, visibilityTimeout: TimeSpan.FromMinutes(1))).Value);
        QueueMessage[] again = (await _queue.ReceiveMessagesAsync()).Value;

        Assert.Equal(sent.MessageId, received.MessageId);
        Assert.Equal("hello", received.MessageText);
        Assert.Equal(1, received.DequeueCount);
        Assert.NotNull(received.NextVisibleOn);
        Assert.InRange(received.NextVisibleOn.Value, DateTimeOffset.UtcNow.AddSeconds(30), DateTimeOffset.UtcNow.AddMinutes(2));
        Assert.Equal(sent.InsertionTime, received.InsertedOn);
        Assert.Equal(sent.ExpirationTime, received.ExpiresOn);
        Assert.Empty(again);
    }

    [Fact]
    public async Task A_message_whose_visibility_timeout_lapses_comes_back_with_a_higher_dequeue_count()
    {
        await _queue.SendMessageAsync("retry me");

        QueueMessage first = Assert.Single((await _queue.ReceiveMessagesAsync(visibilityTimeout: TimeSpan.FromSeconds(1))).Value);
        QueueMessage second = await ReceiveEventuallyAsync();

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(2, second.DequeueCount);
        Assert.NotEqual(first.PopReceipt, second.PopReceipt);
    }

    [Fact]
    public async Task A_message_sent_with_a_visibility_timeout_stays_hidden_until_it_lapses()
    {
        SendReceipt sent = (await _queue.SendMessageAsync("later", visibilityTimeout: TimeSpan.FromSeconds(1))).Value;

        PeekedMessage[] immediately = (await _queue.PeekMessagesAsync()).Value;
        QueueMessage eventually = await ReceiveEventuallyAsync();

        Assert.Empty(immediately);
        Assert.True(sent.TimeNextVisible > sent.InsertionTime);
        Assert.Equal("later", eventually.MessageText);
    }

    [Fact]
    public async Task Peek_shows_messages_without_receiving_them()
    {
        await _queue.SendMessageAsync("one");
        await _queue.SendMessageAsync("two");

        PeekedMessage[] peeked = (await _queue.PeekMessagesAsync(maxMessages: 10)).Value;
        QueueMessage[] received = (await _queue.ReceiveMessagesAsync(maxMessages: 10)).Value;

        Assert.Equal(["one", "two"], peeked.Select(m => m.MessageText));
        Assert.All(peeked, m => Assert.Equal(0, m.DequeueCount));
        Assert.Equal(["one", "two"], received.Select(m => m.MessageText));
    }

    [Fact]
    public async Task Update_changes_the_text_and_visibility_and_retires_the_old_pop_receipt()
    {
        await _queue.SendMessageAsync("draft");
        QueueMessage received = Assert.Single((await _queue.ReceiveMessagesAsync()).Value);

        UpdateReceipt updated = (await _queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, "final", TimeSpan.FromMinutes(1))).Value;
        var stale = await Assert.ThrowsAsync<RequestFailedException>(() => _queue.DeleteMessageAsync(received.MessageId, received.PopReceipt));
        await _queue.UpdateMessageAsync(received.MessageId, updated.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        QueueMessage visibleAgain = Assert.Single((await _queue.ReceiveMessagesAsync()).Value);
        await _queue.DeleteMessageAsync(visibleAgain.MessageId, visibleAgain.PopReceipt);

        Assert.NotEqual(received.PopReceipt, updated.PopReceipt);
        Assert.InRange(updated.NextVisibleOn, DateTimeOffset.UtcNow.AddSeconds(30), DateTimeOffset.UtcNow.AddMinutes(2));
        Assert.Equal((400, "PopReceiptMismatch"), (stale.Status, stale.ErrorCode));
        Assert.Equal("final", visibleAgain.MessageText);
        Assert.Equal(2, visibleAgain.DequeueCount);
        Assert.Empty((await _queue.PeekMessagesAsync()).Value);
    }

    [Fact]
    public async Task The_approximate_count_follows_sends_and_deletes()
    {
        await _queue.SendMessageAsync("a");
        await _queue.SendMessageAsync("b");
        await _queue.SendMessageAsync("c");
        QueueMessage received = (await _queue.ReceiveMessagesAsync()).Value[0];

        int beforeDelete = (await _queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        await _queue.DeleteMessageAsync(received.MessageId, received.PopReceipt);
        int afterDelete = (await _queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

        Assert.Equal(3, beforeDelete);
        Assert.Equal(2, afterDelete);
    }

    [Fact]
    public async Task Non_ascii_text_round_trips_and_travels_as_base64()
    {
        const string text = "Grüße 👋 <&> \"déjà vu\" \u0001";
        var raw = new QueueClient(AzuriteEnvironment.ConnectionString, _queue.Name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

        await _queue.SendMessageAsync(text);
        PeekedMessage onTheWire = Assert.Single((await raw.PeekMessagesAsync()).Value);
        QueueMessage decoded = Assert.Single((await _queue.ReceiveMessagesAsync()).Value);

        Assert.Equal(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text)), onTheWire.MessageText);
        Assert.Equal(text, decoded.MessageText);
    }

    [Fact]
    public async Task Xml_special_characters_round_trip_without_encoding()
    {
        var raw = new QueueClient(AzuriteEnvironment.ConnectionString, _queue.Name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

        await raw.SendMessageAsync("{\"a\":\"<b> & 'c'\"}");

        Assert.Equal("{\"a\":\"<b> & 'c'\"}", Assert.Single((await raw.ReceiveMessagesAsync()).Value).MessageText);
    }

    [Fact]
    public async Task A_message_over_64_KiB_once_encoded_is_refused_before_sending()
    {
        string fitsRaw = new('x', 60 * 1024);

        await Assert.ThrowsAsync<ArgumentException>(() => _queue.SendMessageAsync(fitsRaw));

        Assert.Empty((await _queue.PeekMessagesAsync()).Value);
        string fitsEncoded = new('x', 48 * 1024);
        await _queue.SendMessageAsync(fitsEncoded);
        Assert.Equal(fitsEncoded, Assert.Single((await _queue.ReceiveMessagesAsync()).Value).MessageText);
    }

    [Fact]
    public async Task A_message_with_an_infinite_time_to_live_does_not_expire()
    {
        SendReceipt sent = (await _queue.SendMessageAsync("forever", timeToLive: Timeout.InfiniteTimeSpan)).Value;

        Assert.Equal(9999, sent.ExpirationTime.Year);
    }

    [Fact]
    public async Task Receiving_from_a_missing_queue_fails_with_404_QueueNotFound()
    {
        var missing = new QueueClient(AzuriteEnvironment.ConnectionString, AzuriteEnvironment.NewQueueName("missing"));

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => missing.ReceiveMessagesAsync());

        Assert.Equal(404, failure.Status);
        Assert.Equal("QueueNotFound", failure.ErrorCode);
    }

    [Fact]
    public async Task A_client_built_from_the_queue_uri_and_a_shared_key_reaches_the_same_queue()
    {
        var connection = StorageConnectionString.Parse(AzuriteEnvironment.ConnectionString);
        var byUri = new QueueClient(_queue.Uri, connection.CreateSharedKeyCredential());

        await byUri.SendMessageAsync("via uri");

        Assert.Equal(_queue.Name, byUri.Name);
        Assert.Equal("via uri", Assert.Single((await _queue.ReceiveMessagesAsync()).Value).MessageText);
    }

    /// <summary>Polls until a hidden message is visible again; the service promises visibility "after" the timeout, not at it.</summary>
    private async Task<QueueMessage> ReceiveEventuallyAsync()
    {
        DateTimeOffset deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (DateTimeOffset.UtcNow < deadline)
        {
            QueueMessage[] messages = (await _queue.ReceiveMessagesAsync()).Value;
            if (messages.Length > 0)
            {
                return messages[0];
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The message did not become visible again within 15 seconds.");
    }
}
