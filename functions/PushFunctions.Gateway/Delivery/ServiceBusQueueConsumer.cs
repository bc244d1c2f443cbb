using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// The standalone delivery loop for Service Bus (no Functions host), with the trigger's semantics: a message is
/// completed when delivery succeeds, abandoned for an immediate redelivery (its DeliveryCount grows) when it may pass,
/// and dead-lettered with a reason on the last allowed delivery. The processor renews each message's lock while its
/// delivery runs. A second processor reads the dead-letter queue as DeadLetteredFromServiceBus does under the host, so
/// a message that expired before any delivery still marks its pings failed.
/// </summary>
public sealed partial class ServiceBusQueueConsumer(
    ServiceBusClient client, EnvelopeProcessor processor, IOptions<PushQueueOptions> options, ILogger<ServiceBusQueueConsumer> logger)
    : IHostedService, IAsyncDisposable
{
    /// <summary>The reason a message given up by delivery carries in the dead-letter queue.</summary>
    public const string GaveUpReason = "DeliveryGaveUp";

    /// <summary>The reason a message that is not a ping envelope carries in the dead-letter queue.</summary>
    public const string RejectedReason = "NotAnEnvelope";

    /// <summary>Messages delivered at once; the Service Bus trigger's default per instance is 16 per core.</summary>
    private const int MaxConcurrentDeliveries = 16;

    private ServiceBusProcessor? _queue;
    private ServiceBusProcessor? _deadLetters;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        _queue = client.CreateProcessor(settings.QueueName, new ServiceBusProcessorOptions
        {
            AutoCompleteMessages = false,
            MaxConcurrentCalls = MaxConcurrentDeliveries,
        });
        _queue.ProcessMessageAsync += args => DeliverAsync(args, settings.MaxDeliveryAttempts);
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
    }

    private async Task DeliverAsync(ProcessMessageEventArgs args, int maxAttempts)
    {
        var message = args.Message;
        var outcome = await processor.ProcessAsync(message.Body.ToMemory(), message.DeliveryCount, maxAttempts, args.CancellationToken);
        switch (outcome.Kind)
        {
            case EnvelopeOutcomeKind.Completed:
                await args.CompleteMessageAsync(message, args.CancellationToken);
                break;
            case EnvelopeOutcomeKind.Retry:
                await args.AbandonMessageAsync(message, cancellationToken: args.CancellationToken);
                break;
            default:
                // Given up at the last delivery, or never an envelope: dead-letter now, with our reason beside it.
                var reason = outcome.Kind == EnvelopeOutcomeKind.Rejected ? RejectedReason : GaveUpReason;
                await args.DeadLetterMessageAsync(message, reason, outcome.Reason, args.CancellationToken);
                LogDeadLettered(logger, message.MessageId, message.DeliveryCount, reason, outcome.Reason!);
                break;
        }
    }

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
