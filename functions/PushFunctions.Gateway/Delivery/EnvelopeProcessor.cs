using System.Globalization;
using System.Text.Json;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Pings;
using PushFunctions.Core.Status;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// Handles one queue message, whoever received it (the in-process consumer, the Functions host's Storage-queue or
/// Service Bus trigger): delivers each ping of the envelope, and on the last allowed attempt records the pings
/// that could not be delivered as failed, so a message that ends in the poison or dead-letter queue is visible.
/// </summary>
public sealed partial class EnvelopeProcessor(PingDeliverer deliverer, PingStatusStore status, ILogger<EnvelopeProcessor> logger)
{
    /// <summary>Pings of one envelope delivered at once.</summary>
    private const int PingParallelism = 8;

    public async Task<EnvelopeOutcome> ProcessAsync(ReadOnlyMemory<byte> message, long attempt, int maxAttempts, CancellationToken cancellationToken)
    {
        PingEnvelope envelope;
        try
        {
            envelope = await status.ReadEnvelopeAsync(message, cancellationToken);
        }
        catch (JsonException e)
        {
            LogMalformed(logger, e);
            return EnvelopeOutcome.GiveUp;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAttemptFailed(logger, e, "(unread)", attempt, maxAttempts);
            return attempt >= maxAttempts ? EnvelopeOutcome.GiveUp : EnvelopeOutcome.Retry;
        }

        var failures = new System.Collections.Concurrent.ConcurrentBag<(PingId Id, Exception Error)>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, envelope.Pings.Count),
            new ParallelOptions { MaxDegreeOfParallelism = PingParallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var id = new PingId(envelope.Id, i);
                try
                {
                    await deliverer.DeliverAsync(id, envelope.Pings[i], token);
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    LogAttemptFailed(logger, e, id.ToString(), attempt, maxAttempts);
                    failures.Add((id, e));
                }
            });

        if (failures.IsEmpty)
        {
            return EnvelopeOutcome.Completed;
        }

        if (attempt < maxAttempts)
        {
            return EnvelopeOutcome.Retry;
        }

        foreach (var (id, error) in failures)
        {
            var reason = string.Create(CultureInfo.InvariantCulture, $"delivery gave up after {attempt} attempts; the message was dead-lettered");
            try
            {
                await status.MarkFailedAsync(id, reason, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogAttemptFailed(logger, e, id.ToString(), attempt, maxAttempts);
            }
        }

        return EnvelopeOutcome.GiveUp;
    }

    /// <summary>
    /// A message reached the dead-letter queue by a way the delivery attempts did not see (it expired before any
    /// delivery, say): every ping of it that was not delivered is marked failed with the queue's reason.
    /// </summary>
    public async Task RecordDeadLetteredAsync(ReadOnlyMemory<byte> message, string reason, CancellationToken cancellationToken)
    {
        PingEnvelope envelope;
        try
        {
            envelope = await status.ReadEnvelopeAsync(message, cancellationToken);
        }
        catch (JsonException e)
        {
            LogMalformed(logger, e);
            return;
        }

        for (var i = 0; i < envelope.Pings.Count; i++)
        {
            var id = new PingId(envelope.Id, i);
            if (await status.GetAsync(id, cancellationToken) is not { State: PingState.Done or PingState.Failed })
            {
                await status.MarkFailedAsync(id, $"the queue dead-lettered the message before delivery completed: {reason}", cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A queue message is not a ping envelope; it is dead-lettered")]
    private static partial void LogMalformed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of ping {PingId} failed on attempt {Attempt} of {MaxAttempts}")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string pingId, long attempt, int maxAttempts);
}
