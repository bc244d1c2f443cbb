using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using PushFunctions.Testing.ServiceBus;

namespace PushFunctions.IntegrationTests.ServiceBus;

/// <summary>
/// The local namespace, driven by the real Azure.Messaging.ServiceBus client over AMQP, refuses what Service Bus
/// refuses and settles messages as Service Bus does, so the gateway's tests against it mean something.
/// </summary>
public sealed class LocalServiceBusTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string _queue = "q-" + Guid.NewGuid().ToString("N")[..8];
    private LocalServiceBus _bus = null!;

    public Task InitializeAsync()
    {
        _bus = LocalServiceBus.Start([_queue], new LocalServiceBusOptions { MaxDeliveryCount = 3, LockDuration = TimeSpan.FromSeconds(5) });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task A_token_signed_with_the_wrong_key_is_refused_and_nothing_is_queued()
    {
        var wrongKey = _bus.ConnectionString.Replace(_bus.Key, Convert.ToBase64String(new byte[32]), StringComparison.Ordinal);
        await using var client = new ServiceBusClient(wrongKey, FewRetries());

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => client.CreateSender(_queue).SendMessageAsync(Message("m1")));

        Assert.True(_bus.RefusedTokens > 0);
        Assert.Empty(_bus.Messages(_queue));
    }

    [Fact]
    public async Task An_expired_signature_is_refused()
    {
        await using var client = new ServiceBusClient(_bus.ConnectionStringWithSignature(DateTimeOffset.UtcNow.AddSeconds(-1)), FewRetries());

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => client.CreateSender(_queue).SendMessageAsync(Message("m1")));

        Assert.Empty(_bus.Messages(_queue));
    }

    [Fact]
    public async Task A_signature_for_another_queue_does_not_grant_this_one()
    {
        var other = "other-" + _queue;
        await using var client = new ServiceBusClient(_bus.ConnectionStringWithSignature(DateTimeOffset.UtcNow.AddHours(1), other), FewRetries());

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => client.CreateSender(_queue).SendMessageAsync(Message("m1")));

        Assert.Empty(_bus.Messages(_queue));
    }

    [Fact]
    public async Task A_queue_that_does_not_exist_is_reported_as_messaging_entity_not_found()
    {
        await using var client = Client();
        var error = await Assert.ThrowsAsync<ServiceBusException>(() => client.CreateSender("no-such-queue").SendMessageAsync(Message("m1")));

        Assert.Equal(ServiceBusFailureReason.MessagingEntityNotFound, error.Reason);
    }

    [Fact]
    public async Task A_message_without_a_message_id_is_refused()
    {
        await using var client = Client();
        var error = await Assert.ThrowsAsync<ServiceBusException>(() => client.CreateSender(_queue).SendMessageAsync(new ServiceBusMessage("no id")));

        Assert.Contains("MessageId", error.Message, StringComparison.Ordinal);

        Assert.Empty(_bus.Messages(_queue));
    }

    [Fact]
    public async Task A_batch_is_sized_by_the_links_256_KiB_and_a_larger_message_is_refused()
    {
        await using var client = Client();
        var sender = client.CreateSender(_queue);

        using var batch = await sender.CreateMessageBatchAsync();
        var error = await Assert.ThrowsAsync<ServiceBusException>(() => sender.SendMessageAsync(new ServiceBusMessage(new byte[(256 * 1024) + 1]) { MessageId = "big" }));

        Assert.Equal(LocalServiceBus.MaxMessageSizeInBytes, batch.MaxSizeInBytes);
        Assert.Equal(ServiceBusFailureReason.MessageSizeExceeded, error.Reason);
        Assert.Empty(_bus.Messages(_queue));
    }

    [Fact]
    public async Task The_namespace_itself_refuses_a_message_over_256_KiB_from_a_client_that_does_not_check()
    {
        await using var sender = await RawAmqpSender.ConnectAsync(_bus, _queue);

        var small = await sender.SendAsync(RawMessage("small", 1024));
        var tooLarge = await Record.ExceptionAsync(() => sender.SendAsync(RawMessage("too-large", (256 * 1024) + 1)));

        Assert.Equal((ulong)LocalServiceBus.MaxMessageSizeInBytes, sender.MaxMessageSize);
        Assert.IsType<Accepted>(small);
        // The namespace detaches the link with the AMQP error; the pending send ends with it.
        Assert.Equal(AmqpErrorCode.MessageSizeExceeded, Assert.IsType<AmqpException>(tooLarge?.InnerException).Error.Condition);
        Assert.Equal(["small"], _bus.Messages(_queue).Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_batch_arrives_in_one_send_and_a_message_id_seen_before_is_dropped()
    {
        await using var client = Client();
        var sender = client.CreateSender(_queue);
        await sender.SendMessageAsync(Message("first"));

        using var batch = await sender.CreateMessageBatchAsync();
        Assert.True(batch.TryAddMessage(Message("first")));
        Assert.True(batch.TryAddMessage(Message("second")));
        await sender.SendMessagesAsync(batch);

        Assert.Equal(["first", "second"], _bus.Messages(_queue).Select(m => m.MessageId));
        Assert.Equal(2, _bus.Transfers(_queue));
    }

    [Fact]
    public async Task An_abandoned_message_is_delivered_again_with_one_more_delivery_and_completing_it_removes_it()
    {
        await using var client = Client();
        var receiver = await OneMessageWaitingAsync(client);

        var first = await ReceiveAsync(receiver);
        await receiver.AbandonMessageAsync(first);
        var second = await ReceiveAsync(receiver);
        await receiver.CompleteMessageAsync(second);

        Assert.Equal((1, 2), (first.DeliveryCount, second.DeliveryCount));
        Assert.Equal("m1", second.MessageId);
        Assert.Empty(_bus.Messages(_queue));
    }

    [Fact]
    public async Task A_dead_lettered_message_keeps_its_reason_and_description_in_the_dead_letter_queue()
    {
        await using var client = Client();
        var receiver = await OneMessageWaitingAsync(client);

        await receiver.DeadLetterMessageAsync(await ReceiveAsync(receiver), "SomeReason", "what went wrong");
        var deadLetter = await ReceiveAsync(client.CreateReceiver(_queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter }));

        Assert.Equal(("m1", "SomeReason", "what went wrong"), (deadLetter.MessageId, deadLetter.DeadLetterReason, deadLetter.DeadLetterErrorDescription));
        Assert.Empty(_bus.Messages(_queue));
    }

    [Fact]
    public async Task Abandoning_the_last_allowed_delivery_dead_letters_the_message_as_max_delivery_count_exceeded()
    {
        await using var client = Client();
        var receiver = await OneMessageWaitingAsync(client);

        for (var delivery = 1; delivery <= 3; delivery++)
        {
            await receiver.AbandonMessageAsync(await ReceiveAsync(receiver));
        }

        Assert.Empty(_bus.Messages(_queue));
        Assert.Equal("MaxDeliveryCountExceeded", Assert.Single(_bus.DeadLetters(_queue)).DeadLetterReason);
    }

    [Fact]
    public async Task A_renewed_lock_lasts_longer_and_an_expired_one_is_lost_and_its_message_delivered_again()
    {
        await using var client = Client();
        var receiver = await OneMessageWaitingAsync(client);
        var first = await ReceiveAsync(receiver);

        var lockedUntil = first.LockedUntil;
        await receiver.RenewMessageLockAsync(first);
        // Once the renewed lock runs out, the message is delivered again and the first lock is no longer honoured.
        var second = await ReceiveAsync(receiver);
        var lost = await Assert.ThrowsAsync<ServiceBusException>(() => receiver.CompleteMessageAsync(first));

        Assert.True(first.LockedUntil > lockedUntil);
        Assert.Equal(1, _bus.LockRenewals(_queue));
        Assert.Equal(2, second.DeliveryCount);
        Assert.Equal(ServiceBusFailureReason.MessageLockLost, lost.Reason);
    }

    private static ServiceBusMessage Message(string id) => new(id) { MessageId = id };

    private static AmqpMessage RawMessage(string id, int bodyBytes)
    {
        var message = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>(new byte[bodyBytes]) });
        message.Properties.MessageId = id;
        return message;
    }

    private ServiceBusClient Client() => new(_bus.ConnectionString, FewRetries());

    /// <summary>Sends message "m1" and returns a peek-lock receiver for the queue it waits on.</summary>
    private async Task<ServiceBusReceiver> OneMessageWaitingAsync(ServiceBusClient client)
    {
        await client.CreateSender(_queue).SendMessageAsync(Message("m1"));
        return client.CreateReceiver(_queue);
    }

    private static ServiceBusClientOptions FewRetries() =>
        new() { RetryOptions = new ServiceBusRetryOptions { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(50), TryTimeout = TimeSpan.FromSeconds(20) } };

    private static async Task<ServiceBusReceivedMessage> ReceiveAsync(ServiceBusReceiver receiver) =>
        await receiver.ReceiveMessageAsync(Wait) ?? throw new TimeoutException($"Nothing arrived within {Wait.TotalSeconds} s.");
}
