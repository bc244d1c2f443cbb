using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Pings;
using PushFunctions.Core.Status;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Telemetry;

namespace PushFunctions.Gateway.Delivery;

/// <summary>
/// Handles one queue message, whoever received it (the in-process consumer, the Functions host's Storage-queue or
/// Service Bus trigger): delivers each ping of the envelope. When pings are left undelivered (storage, the queue or a
/// channel unavailable) the envelope is retried after a delay that doubles, with jitter, up to PushQueue:MaxRetryDelay;
/// on the last of PushQueue:MaxDeliveryAttempts the pings still undelivered are recorded as failed, and only once that
/// record is written is the message given up, so a ping never ends in the poison or dead-letter queue looking
/// unfinished. A message that is not an envelope at all is <see cref="EnvelopeOutcomeKind.Rejected"/> at once.
/// </summary>
public sealed partial class EnvelopeProcessor(
    PingDeliverer deliverer, PingStatusStore status, PingMetrics metrics, IOptions<PushQueueOptions> options, ILogger<EnvelopeProcessor> logger)
{
    /// <summary>Pings of one envelope delivered at once.</summary>
    private const int PingParallelism = 8;

    /// <param name="deliveryCount">How often this message has been received, with this time (dequeue or delivery count).</param>
    public async Task<EnvelopeOutcome> ProcessAsync(ReadOnlyMemory<byte> message, long deliveryCount, CancellationToken cancellationToken)
    {
        var maxAttempts = options.Value.MaxDeliveryAttempts;
        var attempt = deliveryCount;
        PingEnvelope envelope;
        try
        {
            attempt += PingEnvelopeJson.Deserialize(message.Span).AttemptsBefore;
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
        var waiting = new ConcurrentBag<PingId>();
        var failures = new ConcurrentBag<PingId>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, envelope.Pings.Count),
            new ParallelOptions { MaxDegreeOfParallelism = PingParallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var id = new PingId(envelope.Id, i);
                using var pingActivity = PingActivities.StartDelivery(id, envelope.Pings[i]);
                try
                {
                    if (await deliverer.DeliverAsync(id, envelope.Pings[i], attempt, maxAttempts, token) is { } reason)
                    {
                        pingActivity.Ended("waiting", reason);
                        LogPingWaiting(logger, id.ToString(), reason);
                        waiting.Add(id);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    pingActivity.Failed("the ping's delivery failed; the message is retried", e);
                    LogAttemptFailed(logger, e, id.ToString(), attempt, maxAttempts);
                    failures.Add(id);
                }
            });

        if (waiting.IsEmpty && failures.IsEmpty)
        {
            activity.Ended("completed");
            return EnvelopeOutcome.Completed;
        }

        var outcome = Unfinished(attempt, maxAttempts, string.Create(CultureInfo.InvariantCulture, $"{waiting.Count + failures.Count} of {envelope.Pings.Count} pings not delivered"));
        activity.Failed(outcome.Reason!);
        if (outcome.Kind == EnvelopeOutcomeKind.Retry)
        {
            activity.Ended("retry");
            return outcome;
        }

        // Pings left waiting on the last attempt have their failed devices recorded already, or are in the hands of a
        // delivery still running; a ping whose attempt failed outright is marked failed here, before the message goes.
        var reason = string.Create(CultureInfo.InvariantCulture, $"delivery gave up after {attempt} attempts; the message was dead-lettered");
        foreach (var id in failures)
        {
            try
            {
                await status.MarkFailedAsync(id, reason, cancellationToken);
                metrics.Failed(PingMetrics.FailReasons.AttemptsExhausted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The message is kept and the write tried again, rather than a ping left looking as if it were still on its way.
                LogAttemptFailed(logger, e, id.ToString(), attempt, maxAttempts);
                activity.Ended("retry");
                return EnvelopeOutcome.Retry($"{outcome.Reason}; recording the pings as failed did not succeed", attempt, Backoff(attempt));
            }
        }

        activity.Ended("gave_up");
        return outcome;
    }

    private EnvelopeOutcome Unfinished(long attempt, int maxAttempts, string what) => attempt < maxAttempts
        ? EnvelopeOutcome.Retry(string.Create(CultureInfo.InvariantCulture, $"{what} on attempt {attempt} of {maxAttempts}"), attempt, Backoff(attempt))
        : EnvelopeOutcome.GiveUp(string.Create(CultureInfo.InvariantCulture, $"{what}; delivery gave up after {attempt} attempts"), attempt);

    private TimeSpan Backoff(long attempt) => RedeliveryBackoff.DelayAfter(attempt, options.Value.RetryBaseDelay, options.Value.MaxRetryDelay);

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ping {PingId} is not delivered yet: {Reason}")]
    private static partial void LogPingWaiting(ILogger logger, string pingId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of ping {PingId} failed on attempt {Attempt} of {MaxAttempts}")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string pingId, long attempt, int maxAttempts);
}
