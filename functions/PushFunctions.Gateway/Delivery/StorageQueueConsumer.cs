using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Hosting;
using PushFunctions.Gateway.Queueing;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// The standalone delivery loop (no Functions host). A received message stays invisible while it is delivered (its
/// visibility is renewed); a failure makes it visible again after the processor's backoff; after the last attempt, or
/// at once when it is not a ping envelope, it moves to the "{queue}-poison" queue. On shutdown it stops receiving at
/// once, lets deliveries in flight finish for two thirds of the host's shutdown timeout, and then stops them and
/// makes their messages visible again for redelivery.
/// </summary>
public sealed partial class StorageQueueConsumer(
    StoragePingQueue queue,
    PoisonQueue poisonQueue,
    EnvelopeProcessor processor,
    StorageInitializer storage,
    DeliveryWakeup wakeup,
    IOptions<PushQueueOptions> options,
    IOptions<HostOptions> hostOptions,
    ILogger<StorageQueueConsumer> logger) : BackgroundService
{
    private const int BatchSize = 32;
    private static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Cancels deliveries in flight, once shutdown has given them their time.</summary>
    private readonly CancellationTokenSource _abort = new();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _abort.CancelAfter(hostOptions.Value.ShutdownTimeout * 2 / 3);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

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
            await Task.WhenAll(messages.Select(m => HandleAsync(m, settings, _abort.Token)));
        }
    }

    private async Task HandleAsync(QueueMessage message, PushQueueOptions settings, CancellationToken cancellationToken)
    {
        var body = message.Body.ToMemory();
        var visibility = new MessageVisibility(queue.Client, message, settings.VisibilityTimeout, logger);
        EnvelopeOutcome outcome;
        try
        {
            outcome = await processor.ProcessAsync(body, message.DequeueCount, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await visibility.DisposeAsync();
            await ReleaseAsync(message, visibility.PopReceipt);
            return;
        }

        await visibility.DisposeAsync();
        try
        {
            switch (outcome.Kind)
            {
                case EnvelopeOutcomeKind.Completed:
                    await queue.Client.DeleteMessageAsync(message.MessageId, visibility.PopReceipt, CancellationToken.None);
                    break;
                case EnvelopeOutcomeKind.Retry:
                    await queue.Client.UpdateMessageAsync(message.MessageId, visibility.PopReceipt, messageText: null, visibilityTimeout: outcome.RetryDelay, cancellationToken: CancellationToken.None);
                    break;
                default:
                    // Given up, or never an envelope: poison first, delete second, so a crash in between leaves a copy, never a loss.
                    await poisonQueue.PoisonAsync(body, $"Storage queue message {message.MessageId} (dequeue count {message.DequeueCount})", outcome.Reason!, CancellationToken.None);
                    await queue.Client.DeleteMessageAsync(message.MessageId, visibility.PopReceipt, CancellationToken.None);
                    break;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The message reappears when its visibility timeout ends and is tried again.
            LogSettleFailed(logger, e, message.MessageId);
        }
    }

    /// <summary>Delivery stopped for shutdown: the message is made visible at once, for another instance or the next start.</summary>
    private async Task ReleaseAsync(QueueMessage message, string popReceipt)
    {
        try
        {
            await queue.Client.UpdateMessageAsync(message.MessageId, popReceipt, messageText: null, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
            LogReleased(logger, message.MessageId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSettleFailed(logger, e, message.MessageId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery of message {MessageId} stopped for shutdown; the message is visible again for redelivery")]
    private static partial void LogReleased(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving from the ping queue failed")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Settling message {MessageId} failed; it will be redelivered")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string messageId);
}
