using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// The standalone delivery loop for Service Bus (no Functions host): a message is completed when delivery succeeds;
/// when it may pass, the envelope is sent again with the processor's backoff as a scheduled message
/// (<see cref="EnvelopeRedelivery"/>) and the message completed, as under the host; on the last allowed attempt, or
/// when it is not an envelope, it is dead-lettered with a reason. The processor renews each message's lock while its
/// delivery runs. On shutdown deliveries in flight get two thirds of the host's shutdown timeout, then are stopped and
/// their messages abandoned for redelivery. A second processor reads the dead-letter queue as DeadLetteredFromServiceBus does under the host, so
/// a message that expired before any delivery still marks its pings failed.
/// </summary>
public sealed partial class ServiceBusQueueConsumer(
    ServiceBusClient client,
    EnvelopeProcessor processor,
    EnvelopeRedelivery redelivery,
    IOptions<PushQueueOptions> options,
    IOptions<HostOptions> hostOptions,
    ILogger<ServiceBusQueueConsumer> logger)
    : IHostedService, IAsyncDisposable
{
    /// <summary>The reason a message given up by delivery carries in the dead-letter queue.</summary>
    public const string GaveUpReason = "DeliveryGaveUp";

    /// <summary>The reason a message that is not a ping envelope carries in the dead-letter queue.</summary>
    public const string RejectedReason = "NotAnEnvelope";

    /// <summary>Messages delivered at once; the Service Bus trigger's default per instance is 16 per core.</summary>
    private const int MaxConcurrentDeliveries = 16;

    /// <summary>How long a message's lock is renewed while its delivery runs (the processor's default is 5 minutes).</summary>
    private static readonly TimeSpan MaxLockRenewal = TimeSpan.FromMinutes(30);

    /// <summary>Cancels deliveries in flight, once shutdown has given them their time.</summary>
    private readonly CancellationTokenSource _abort = new();

    private ServiceBusProcessor? _queue;
    private ServiceBusProcessor? _deadLetters;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        _queue = client.CreateProcessor(settings.QueueName, new ServiceBusProcessorOptions
        {
            AutoCompleteMessages = false,
            MaxConcurrentCalls = MaxConcurrentDeliveries,
            MaxAutoLockRenewalDuration = MaxLockRenewal,
        });
        _queue.ProcessMessageAsync += DeliverAsync;
        _queue.ProcessErrorAsync += LogErrorAsync;

        _deadLetters = client.CreateProcessor(settings.QueueName, new ServiceBusProcessorOptions
        {
            SubQueue = SubQueue.DeadLetter,
            AutoCompleteMessages = false,
        });
        _deadLetters.ProcessMessageAsync += RecordDeadLetteredAsync;
        _deadLetters.ProcessErrorAsync += LogErrorAsync;

        await _queue.StartProcessingAsync(cancellationToken);
        await _deadLetters.StartProcessingAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stopping a processor cancels its handlers' own token at once: deliveries run on ours, cancelled later.
        _abort.CancelAfter(hostOptions.Value.ShutdownTimeout * 2 / 3);
        foreach (var running in (ServiceBusProcessor?[])[_queue, _deadLetters])
        {
            if (running is not null)
            {
                await running.StopProcessingAsync(cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var running in (ServiceBusProcessor?[])[_queue, _deadLetters])
        {
            if (running is not null)
            {
                await running.DisposeAsync();
            }
        }

        _abort.Dispose();
    }

    private async Task DeliverAsync(ProcessMessageEventArgs args)
    {
        var message = args.Message;
        EnvelopeOutcome outcome;
        try
        {
            outcome = await processor.ProcessAsync(message.Body.ToMemory(), message.DeliveryCount, _abort.Token);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            await args.AbandonMessageAsync(message, cancellationToken: CancellationToken.None);
            LogReleased(logger, message.MessageId);
            return;
        }

        // Settled whatever the processor's own token says: the delivery is done and its result must not be lost.
        switch (outcome.Kind)
        {
            case EnvelopeOutcomeKind.Completed:
                await args.CompleteMessageAsync(message, CancellationToken.None);
                break;
            case EnvelopeOutcomeKind.Retry:
                try
                {
                    await redelivery.SendAsync(message.Body.ToMemory(), outcome, CancellationToken.None);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // No retry message: this one is redelivered at once instead, and its DeliveryCount grows.
                    LogRetryNotSent(logger, e, message.MessageId);
                    await args.AbandonMessageAsync(message, cancellationToken: CancellationToken.None);
                    break;
                }

                await args.CompleteMessageAsync(message, CancellationToken.None);
                break;
            default:
                // Given up at the last attempt, or never an envelope: dead-letter now, with our reason beside it.
                var reason = outcome.Kind == EnvelopeOutcomeKind.Rejected ? RejectedReason : GaveUpReason;
                await args.DeadLetterMessageAsync(message, reason, outcome.Reason, CancellationToken.None);
                LogDeadLettered(logger, message.MessageId, message.DeliveryCount, reason, outcome.Reason!);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery of message {MessageId} stopped for shutdown; the message is abandoned for redelivery")]
    private static partial void LogReleased(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending the retry of message {MessageId} failed; the message is abandoned for an immediate redelivery")]
    private static partial void LogRetryNotSent(ILogger logger, Exception exception, string messageId);

    private async Task RecordDeadLetteredAsync(ProcessMessageEventArgs args)
    {
        await processor.RecordDeadLetteredAsync(args.Message.Body.ToMemory(), args.Message.DeadLetterReason ?? "no reason given", args.CancellationToken);
        await args.CompleteMessageAsync(args.Message, args.CancellationToken);
    }

    private Task LogErrorAsync(ProcessErrorEventArgs args)
    {
        // The processor retries on its own; what failed is logged for whoever watches (a wrong key, a missing queue...).
        LogProcessorError(logger, args.Exception, args.EntityPath, args.ErrorSource);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} was dead-lettered at delivery {DeliveryCount} as {DeadLetterReason}: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string messageId, int deliveryCount, string deadLetterReason, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving from {EntityPath} failed during {ErrorSource}; the processor retries")]
    private static partial void LogProcessorError(ILogger logger, Exception exception, string entityPath, ServiceBusErrorSource errorSource);
}
