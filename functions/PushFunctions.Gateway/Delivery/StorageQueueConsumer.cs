using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Hosting;
using PushFunctions.Gateway.Queueing;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// The standalone delivery loop (no Functions host): the same semantics as the host's queue trigger. A received
/// message stays invisible while it is delivered; a failure makes it visible again after a doubling delay; after
/// the last attempt, or at once when it is not a ping envelope, it moves to the "{queue}-poison" queue.
/// </summary>
public sealed partial class StorageQueueConsumer(
    StoragePingQueue queue,
    PoisonQueue poisonQueue,
    EnvelopeProcessor processor,
    StorageInitializer storage,
    DeliveryWakeup wakeup,
    IOptions<PushQueueOptions> options,
    ILogger<StorageQueueConsumer> logger) : BackgroundService
{
    private const int BatchSize = 32;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        // Reading a queue that is not created yet would only fail: start once it exists.
        await storage.Created.WaitAsync(stoppingToken);
        var idle = MinPollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                messages = (await queue.Client.ReceiveMessagesAsync(BatchSize, settings.VisibilityTimeout, stoppingToken)).Value;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogReceiveFailed(logger, e);
                messages = [];
                idle = settings.MaxPollInterval;
            }

            if (messages.Length == 0)
            {
                await wakeup.WaitAsync(idle, stoppingToken);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, settings.MaxPollInterval.Ticks));
                continue;
            }

            idle = MinPollInterval;
            await Task.WhenAll(messages.Select(m => HandleAsync(m, settings, stoppingToken)));
        }
    }

    private async Task HandleAsync(QueueMessage message, PushQueueOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            var body = message.Body.ToMemory();
            var outcome = await processor.ProcessAsync(body, message.DequeueCount, settings.MaxDeliveryAttempts, cancellationToken);
            switch (outcome.Kind)
            {
                case EnvelopeOutcomeKind.Completed:
                    await queue.Client.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                    break;
                case EnvelopeOutcomeKind.Retry:
                    var delay = TimeSpan.FromTicks(Math.Min(settings.RetryBaseDelay.Ticks << (int)Math.Min(message.DequeueCount - 1, 20), MaxRetryDelay.Ticks));
                    await queue.Client.UpdateMessageAsync(message.MessageId, message.PopReceipt, messageText: null, visibilityTimeout: delay, cancellationToken: cancellationToken);
                    break;
                default:
                    // Given up, or never an envelope: poison first, delete second, so a crash in between leaves a copy, never a loss.
                    await poisonQueue.PoisonAsync(body, $"Storage queue message {message.MessageId} (dequeue count {message.DequeueCount})", outcome.Reason!, cancellationToken);
                    await queue.Client.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                    break;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The message reappears when its visibility timeout ends and is tried again.
            LogSettleFailed(logger, e, message.MessageId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving from the ping queue failed")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settling message {MessageId} failed; it will be redelivered")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string messageId);
}
