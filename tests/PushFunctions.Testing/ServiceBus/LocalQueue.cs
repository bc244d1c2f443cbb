using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;

namespace PushFunctions.Testing.ServiceBus;

/// <summary>
/// A queue of the local namespace with Service Bus's peek-lock semantics: messages kept in send order with sequence
/// numbers; a delivered message locked to its receiver for the lock duration (renewable); completed, abandoned
/// (available again at once, one delivery more) or dead-lettered with a reason; dead-lettered by the broker when its
/// lock expires or it is abandoned for the last allowed delivery (MaxDeliveryCountExceeded) or its time-to-live passes
/// (TTLExpiredException, as with deadLetteringOnMessageExpiration); a MessageId seen within the duplicate detection
/// window dropped. Everything under one lock: the queues of a test hold a handful of messages.
/// </summary>
internal sealed class LocalQueue(string name, LocalServiceBusOptions options, TimeProvider time)
{
    /// <summary>The condition Service Bus answers a settlement with when the lock is gone (the SDK: MessageLockLost).</summary>
    public const string MessageLockLostCondition = "com.microsoft:message-lock-lost";

    /// <summary>The condition of a Rejected outcome the SDK sends to dead-letter (its AmqpClientConstants.DeadLetterName).</summary>
    private const string DeadLetterCondition = "com.microsoft:dead-letter";

    private readonly Lock _gate = new();
    private readonly List<QueuedMessage> _active = [];
    private readonly List<QueuedMessage> _deadLetters = [];
    private readonly List<RecordedMessage> _deadLettered = [];
    private readonly Dictionary<string, DateTimeOffset> _seenMessageIds = new(StringComparer.Ordinal);
    private readonly List<QueueConsumer> _consumers = [];
    private long _sequenceNumber;
    private int _transfers;
    private int _lockRenewals;

    public string Name => name;

    /// <summary>Sends that reached the queue (a batch is one), accepted or not.</summary>
    public int Transfers => Volatile.Read(ref _transfers);

    public int LockRenewals => Volatile.Read(ref _lockRenewals);

    public IReadOnlyList<RecordedMessage> Active()
    {
        lock (_gate)
        {
            return _active.Select(m => m.Snapshot()).ToList();
        }
    }

    public IReadOnlyList<RecordedMessage> DeadLetters()
    {
        lock (_gate)
        {
            return _deadLetters.Select(m => m.Snapshot()).ToList();
        }
    }

    /// <summary>Every message ever moved to the dead-letter queue, as it was then (a receiver may have removed it since).</summary>
    public IReadOnlyList<RecordedMessage> DeadLettered()
    {
        lock (_gate)
        {
            return [.. _deadLettered];
        }
    }

    /// <summary>
    /// Takes one transfer from a sender: a message, or a batch of them (message format 0x80013700, each Data section an
    /// encoded message, as the SDK's AmqpMessageConverter.BatchSBMessagesAsAmqpMessage builds it). All or nothing.
    /// </summary>
    /// <returns>Null when the transfer is accepted; otherwise the error the sender's outcome carries.</returns>
    public Error? Accept(AmqpMessage transfer)
    {
        Interlocked.Increment(ref _transfers);
        var entries = transfer.MessageFormat == AmqpConstants.AmqpBatchedMessageFormat
            ? transfer.DataBody.Select(d => AmqpMessage.CreateAmqpStreamMessage(new BufferListStream([(ArraySegment<byte>)d.Value]), true)).ToList()
            : [transfer];
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var messages = entries.Select((entry, i) => QueuedMessage.FromTransfer(entry, _sequenceNumber + i + 1, now)).ToList();
            if (messages.Any(m => m is null))
            {
                // Service Bus would assign an id, but then duplicate detection could not drop a resent copy: the
                // gateway must set one (the envelope id), so a message without one is a defect to surface here.
                return new Error { Condition = AmqpErrorCode.InvalidField, Description = "Every message needs a MessageId (duplicate detection is on)." };
            }

            foreach (var (id, seen) in _seenMessageIds.ToList())
            {
                if (seen + options.DuplicateDetectionWindow <= now)
                {
                    _seenMessageIds.Remove(id);
                }
            }

            foreach (var message in messages)
            {
                // A duplicate within the window is accepted and silently dropped, as Service Bus does.
                if (_seenMessageIds.TryAdd(message!.MessageId, now))
                {
                    _sequenceNumber = message.SequenceNumber;
                    _active.Add(message);
                }
            }
        }

        Dispatch();
        return null;
    }

    public void Attach(QueueConsumer consumer)
    {
        lock (_gate)
        {
            _consumers.Add(consumer);
        }
    }

    /// <summary>A receiver went away; its locks stay until they expire, as Service Bus keeps them.</summary>
    public void Detach(QueueConsumer consumer)
    {
        lock (_gate)
        {
            _consumers.Remove(consumer);
        }
    }

    public void GrantCredit(QueueConsumer consumer, uint credit, bool drain)
    {
        lock (_gate)
        {
            consumer.Credit += credit;
        }

        Dispatch();
        if (drain)
        {
            lock (_gate)
            {
                consumer.Credit = 0;
            }
        }
    }

    /// <summary>A receiver settled a delivery on its link: complete, abandon, dead-letter or release by the outcome it sent.</summary>
    public void Settle(QueueConsumer consumer, Delivery delivery)
    {
        var lockToken = new Guid(delivery.DeliveryTag.AsSpan());
        DeliveryState answer;
        lock (_gate)
        {
            answer = SettleLocked(consumer.ReadsDeadLetters ? _deadLetters : _active, lockToken, delivery.State);
        }

        if (!delivery.Settled)
        {
            consumer.Link.DisposeDelivery(delivery, true, answer);
        }

        Dispatch();
    }

    /// <summary>The $management renew-lock operation: new lock expiries, or null when a lock is lost.</summary>
    public DateTime[]? RenewLocks(IReadOnlyList<Guid> lockTokens)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var messages = lockTokens.Select(token => LockedMessage(_active, token, now)).ToList();
            if (messages.Any(m => m is null))
            {
                return null;
            }

            Interlocked.Increment(ref _lockRenewals);
            messages.ForEach(m => m!.LockedUntil = now + options.LockDuration);
            return messages.Select(m => m!.LockedUntil.UtcDateTime).ToArray();
        }
    }

    /// <summary>
    /// The $management update-disposition operation the SDK falls back to when a delivery is no longer known on its
    /// link: disposition-status completed, abandoned or suspended (dead-letter).
    /// </summary>
    public bool UpdateDisposition(IReadOnlyList<Guid> lockTokens, string status, string? reason, string? description)
    {
        DeliveryState outcome = status switch
        {
            "completed" => AmqpConstants.AcceptedOutcome,
            "abandoned" => new Modified(),
            "suspended" => DeadLetterOutcome(reason, description),
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "completed, abandoned or suspended"),
        };

        bool settled;
        lock (_gate)
        {
            settled = lockTokens.All(token => SettleLocked(_active, token, outcome) is not Rejected { Error.Condition.Value: MessageLockLostCondition });
        }

        Dispatch();
        return settled;
    }

    /// <summary>Expires locks and time-to-lives, then sends available messages to receivers with credit.</summary>
    public void Dispatch()
    {
        var sends = new List<(QueueConsumer Consumer, AmqpMessage Message, Guid LockToken)>();
        var now = time.GetUtcNow();
        lock (_gate)
        {
            ExpireLocked(now);
            foreach (var (messages, deadLetters) in ((List<QueuedMessage>, bool)[])[(_active, false), (_deadLetters, true)])
            {
                foreach (var message in messages.Where(m => m.LockToken is null && !(m.ScheduledFor > now)).ToList())
                {
                    var consumer = _consumers.FirstOrDefault(c => c.ReadsDeadLetters == deadLetters && c.Credit > 0);
                    if (consumer is null)
                    {
                        break;
                    }

                    consumer.Credit--;
                    var lockToken = Guid.NewGuid();
                    if (consumer.SettlesOnSend)
                    {
                        messages.Remove(message);
                    }
                    else
                    {
                        message.LockToken = lockToken;
                        message.LockedUntil = now + options.LockDuration;
                    }

                    sends.Add((consumer, message.ToDelivery(name), lockToken));
                }
            }
        }

        foreach (var (consumer, message, lockToken) in sends)
        {
            consumer.Send(message, lockToken);
        }
    }

    private static Rejected DeadLetterOutcome(string? reason, string? description)
    {
        var info = new Fields();
        if (reason is not null)
        {
            info.Add("DeadLetterReason", reason);
        }

        if (description is not null)
        {
            info.Add("DeadLetterErrorDescription", description);
        }

        return new Rejected { Error = new Error { Condition = DeadLetterCondition, Info = info } };
    }

    private static Rejected LockLost() => new()
    {
        Error = new Error
        {
            Condition = MessageLockLostCondition,
            Description = "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
        },
    };

    private static string? InfoText(Error? error, string key) =>
        error?.Info?.FirstOrDefault(pair => pair.Key.ToString() == key).Value as string;

    private static QueuedMessage? LockedMessage(List<QueuedMessage> messages, Guid lockToken, DateTimeOffset now) =>
        messages.FirstOrDefault(m => m.LockToken == lockToken && m.LockedUntil > now);

    private DeliveryState SettleLocked(List<QueuedMessage> messages, Guid lockToken, DeliveryState outcome)
    {
        var message = LockedMessage(messages, lockToken, time.GetUtcNow());
        if (message is null)
        {
            return LockLost();
        }

        switch (outcome)
        {
            case Accepted:
                messages.Remove(message);
                return outcome;
            case Rejected rejected when messages == _active:
                // A Rejected outcome dead-letters; the SDK sends the reason and description in the error's info. The
                // answer carries no error: AmqpReceiver.DisposeMessageAsync takes a Rejected answer with an error as
                // a failed settlement.
                MoveToDeadLetters(message, InfoText(rejected.Error, "DeadLetterReason"), InfoText(rejected.Error, "DeadLetterErrorDescription"));
                return AmqpConstants.RejectedOutcome;
            case Modified { UndeliverableHere: true }:
                // Defer: the gateway never defers, so this namespace does not implement it.
                return new Rejected { Error = new Error { Condition = AmqpErrorCode.NotImplemented, Description = "Deferral is not implemented." } };
            case Modified:
                Abandon(messages, message);
                return outcome;
            case Released:
                Unlock(message);
                return outcome;
            default:
                return new Rejected { Error = new Error { Condition = AmqpErrorCode.NotAllowed, Description = $"Outcome {outcome} is not allowed here." } };
        }
    }

    private void ExpireLocked(DateTimeOffset now)
    {
        foreach (var message in _active.ToList())
        {
            if (message.LockToken is not null && message.LockedUntil <= now)
            {
                // An expired lock counts as a failed delivery, as an abandon does.
                Abandon(_active, message);
            }
            else if (message.LockToken is null && message.IsExpiredAt(now))
            {
                MoveToDeadLetters(message, "TTLExpiredException", "The message expired and was dead lettered.");
            }
        }

        foreach (var message in _deadLetters.Where(m => m.LockToken is not null && m.LockedUntil <= now))
        {
            Unlock(message);
        }
    }

    private void Abandon(List<QueuedMessage> messages, QueuedMessage message)
    {
        Unlock(message);
        message.DeliveryCount++;
        if (messages == _active && message.DeliveryCount >= options.MaxDeliveryCount)
        {
            MoveToDeadLetters(message, "MaxDeliveryCountExceeded", $"Message could not be consumed after {options.MaxDeliveryCount} delivery attempts.");
        }
    }

    private void MoveToDeadLetters(QueuedMessage message, string? reason, string? description)
    {
        Unlock(message);
        _active.Remove(message);
        message.DeadLetterReason = reason ?? string.Empty;
        message.DeadLetterDescription = description;
        _deadLetters.Add(message);
        _deadLettered.Add(message.Snapshot());
    }

    private static void Unlock(QueuedMessage message) => message.LockToken = null;
}
