using System.Globalization;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Pings;
using PushFunctions.Core.Status;
using PushFunctions.Gateway.Telemetry;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// Handles one queue message, whoever received it (the in-process consumer, the Functions host's Storage-queue or
/// Service Bus trigger): delivers each ping of the envelope, and on the last allowed attempt records the pings
/// that could not be delivered as failed, so a message that ends in the poison or dead-letter queue is visible. A
/// message that is not an envelope at all is <see cref="EnvelopeOutcomeKind.Rejected"/> at once, with the reason.
/// </summary>
public sealed partial class EnvelopeProcessor(PingDeliverer deliverer, PingStatusStore status, PingMetrics metrics, ILogger<EnvelopeProcessor> logger)
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
        catch (MalformedEnvelopeException e)
        {
            LogRejected(logger, e.Message);
            return EnvelopeOutcome.Rejected(e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAttemptFailed(logger, e, "(unread)", attempt, maxAttempts);
            return Unfinished(attempt, maxAttempts, "the envelope could not be read");
        }

        using var activity = PingActivities.StartEnvelopeProcess(envelope, attempt, maxAttempts);
        var failures = new System.Collections.Concurrent.ConcurrentBag<(PingId Id, Exception Error)>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, envelope.Pings.Count),
            new ParallelOptions { MaxDegreeOfParallelism = PingParallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var id = new PingId(envelope.Id, i);
                using var pingActivity = PingActivities.StartDelivery(id, envelope.Pings[i]);
                try
                {
                    await deliverer.DeliverAsync(id, envelope.Pings[i], token);
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    pingActivity.Failed("the ping's delivery failed; the message is retried", e);
                    LogAttemptFailed(logger, e, id.ToString(), attempt, maxAttempts);
                    failures.Add((id, e));
                }
            });

        if (failures.IsEmpty)
        {
            activity.Ended("completed");
            return EnvelopeOutcome.Completed;
        }

        var outcome = Unfinished(attempt, maxAttempts, string.Create(CultureInfo.InvariantCulture, $"{failures.Count} of {envelope.Pings.Count} pings not delivered"));
        activity.Failed(outcome.Reason!);
        if (outcome.Kind == EnvelopeOutcomeKind.Retry)
        {
            activity.Ended("retry");
            return outcome;
        }

        activity.Ended("gave_up");
        foreach (var (id, error) in failures)
        {
            var reason = string.Create(CultureInfo.InvariantCulture, $"delivery gave up after {attempt} attempts; the message was dead-lettered");
            try
            {
                await status.MarkFailedAsync(id, reason, cancellationToken);
                metrics.Failed(PingMetrics.FailReasons.AttemptsExhausted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogAttemptFailed(logger, e, id.ToString(), attempt, maxAttempts);
            }
        }

        return outcome;
    }

    private static EnvelopeOutcome Unfinished(long attempt, int maxAttempts, string what) => attempt < maxAttempts
        ? EnvelopeOutcome.Retry(string.Create(CultureInfo.InvariantCulture, $"{what} on attempt {attempt} of {maxAttempts}"))
        : EnvelopeOutcome.GiveUp(string.Create(CultureInfo.InvariantCulture, $"{what}; delivery gave up after {attempt} attempts"));

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
        catch (MalformedEnvelopeException e)
        {
            // Nothing to mark: it never named pings we could find.
            LogRejected(logger, e.Message);
            return;
        }

        for (var i = 0; i < envelope.Pings.Count; i++)
        {
            var id = new PingId(envelope.Id, i);
            if (await status.GetAsync(id, cancellationToken) is not { State: PingState.Done or PingState.Failed })
            {
                await status.MarkFailedAsync(id, $"the queue dead-lettered the message before delivery completed: {reason}", cancellationToken);
                metrics.Failed(PingMetrics.FailReasons.DeadLettered);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A queue message is rejected without retrying: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of ping {PingId} failed on attempt {Attempt} of {MaxAttempts}")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string pingId, long attempt, int maxAttempts);
}
