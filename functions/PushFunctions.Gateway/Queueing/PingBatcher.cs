using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Contract;
using PushFunctions.Core.Pings;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Telemetry;

namespace PushFunctions.Gateway.Queueing;

/// <summary>
/// Puts accepted pings on the queue in envelopes: the one place pings are batched. While every send slot is busy,
/// arriving pings wait and then leave together, in envelopes of up to PushQueue:MaxPingsPerEnvelope pings, as many
/// envelopes per send as the queue takes (a Service Bus batch): at low load each ping goes at once, under load sends
/// fill up by themselves, and a ping waits at most about one queue write. A caller is answered 200 only when its
/// envelope is durably queued, and 503 when that has not happened within PushQueue:AcceptTimeout (a queue that does not
/// answer never leaves callers hanging). On shutdown new pings are refused at once, the waiting ones still go, and
/// whatever is left when the host's shutdown timeout ends is answered 503.
/// </summary>
public sealed partial class PingBatcher : BackgroundService
{
    private readonly Channel<PendingPing> _incoming = Channel.CreateBounded<PendingPing>(
        new BoundedChannelOptions(50_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly IPingQueue _queue;
    private readonly IOptions<HostOptions> _hostOptions;
    private readonly PingStatusStore _status;
    private readonly DeliveryWakeup _wakeup;
    private readonly TimeProvider _time;
    private readonly ILogger<PingBatcher> _logger;
    private readonly SemaphoreSlim _sendSlots;

    /// <summary>Cancels queue writes still in flight when shutdown has given them their time: their callers get 503.</summary>
    private readonly CancellationTokenSource _abortSends = new();
    private readonly int _maxConcurrentSends;
    private readonly TimeSpan _acceptTimeout;
    private readonly int _maxPingsPerEnvelope;
    private PendingPing? _carried;

    public PingBatcher(
        IPingQueue queue,
        PingStatusStore status,
        DeliveryWakeup wakeup,
        IOptions<PushQueueOptions> options,
        IOptions<HostOptions> hostOptions,
        TimeProvider time,
        ILogger<PingBatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _queue = queue;
        _hostOptions = hostOptions;
        _status = status;
        _wakeup = wakeup;
        _time = time;
        _logger = logger;
        _maxConcurrentSends = options.Value.MaxConcurrentSends;
        _sendSlots = new SemaphoreSlim(_maxConcurrentSends);
        _acceptTimeout = options.Value.AcceptTimeout;
        _maxPingsPerEnvelope = Math.Clamp(options.Value.MaxPingsPerEnvelope, 1, PingId.MaxIndex + 1);
    }

    /// <summary>Returns the ping's id once it is durably queued.</summary>
    /// <exception cref="QueueUnavailableException">The queue did not take it in time, or the gateway is stopping; nothing was accepted.</exception>
    public async Task<string> AcceptAsync(PingRequest request, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var (traceParent, traceState) = PingActivities.CurrentContext();
        var pending = new PendingPing(request, now, now + _acceptTimeout, traceParent, traceState);
        using var deadline = new CancellationTokenSource(_acceptTimeout, _time);
        using var handover = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await _incoming.Writer.WriteAsync(pending, handover.Token);
            // Not cancellable by the caller once handed over: the envelope's write decides, and the caller must learn which way.
            return await pending.Completion.Task.WaitAsync(deadline.Token);
        }
        catch (ChannelClosedException)
        {
            throw new QueueUnavailableException("The gateway is shutting down.");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // Still waiting for a send slot or for the queue: answer now. A ping whose write the queue completes later
            // is delivered after all; a 503 never hides an accepted ping, it may only cause a needless retry.
            var late = new QueueUnavailableException("The queue did not take the ping in time.");
            if (pending.Completion.TrySetException(late))
            {
                throw late;
            }

            return await pending.Completion.Task;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _incoming.Reader;
        try
        {
            while (_carried is not null || await reader.WaitToReadAsync(stoppingToken))
            {
                await _sendSlots.WaitAsync(stoppingToken);
                var batch = TakeBatch(reader);
                if (batch.Count == 0)
                {
                    _sendSlots.Release();
                    continue;
                }

                _ = SendAndReleaseAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host's shutdown timeout ended first: StopAsync answers what is left.
        }
    }

    /// <summary>
    /// Refuses new pings, sends those already waiting and lets sends in flight finish, until the host's shutdown
    /// timeout; every ping still unanswered then is answered 503, so no caller is left without an answer.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _incoming.Writer.TryComplete();
        // Two thirds of the host's shutdown timeout: the rest lets the server write the answers.
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(_hostOptions.Value.ShutdownTimeout * 2 / 3);
        try
        {
            await (ExecuteTask ?? Task.CompletedTask).WaitAsync(budget.Token);
            for (var i = 0; i < _maxConcurrentSends; i++)
            {
                await _sendSlots.WaitAsync(budget.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Out of time: what is left is refused below.
        }
        finally
        {
            await _abortSends.CancelAsync();
            var refusal = new QueueUnavailableException("The gateway is shutting down.");
            _carried?.Completion.TrySetException(refusal);
            while (_incoming.Reader.TryRead(out var left))
            {
                left.Completion.TrySetException(refusal);
            }
        }

        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abortSends.Dispose();
        base.Dispose();
    }

    private List<PendingPing> TakeBatch(ChannelReader<PendingPing> reader)
    {
        var batch = new List<PendingPing>();
        var bytes = 0;
        var budget = _queue.MaxEnvelopeBytes;
        var maxPings = _maxPingsPerEnvelope * _queue.MaxEnvelopesPerSend;
        while (batch.Count < maxPings && (_carried is not null || reader.TryRead(out _carried)))
        {
            if (_carried!.Completion.Task.IsCompleted)
            {
                // Its caller was answered 503 while it waited: it is not sent.
                _carried = null;
                continue;
            }

            var size = _carried.EstimatedBytes;
            if (batch.Count > 0 && bytes + size > budget)
            {
                break;
            }

            batch.Add(_carried);
            bytes += size;
            _carried = null;
        }

        return batch;
    }

    private async Task SendAndReleaseAsync(List<PendingPing> batch)
    {
        try
        {
            await SendAsync(batch);
        }
        finally
        {
            _sendSlots.Release();
        }
    }

    /// <summary>
    /// Sends the pings' envelopes in as few queue batches as they fit (one, unless an envelope turns out larger than its
    /// estimate). Each batch succeeds or fails as a whole; its callers learn which.
    /// </summary>
    private async Task SendAsync(List<PendingPing> pings)
    {
        var envelopes = pings.Chunk(_maxPingsPerEnvelope).Select(chunk => new OutgoingEnvelope(chunk)).ToList();
        var settled = 0;
        // The writes may take until the first caller's deadline; after it, that caller has its 503.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_abortSends.Token);
        deadline.CancelAfter(Max(pings.Min(p => p.Deadline) - _time.GetUtcNow(), TimeSpan.Zero));
        try
        {
            while (settled < envelopes.Count)
            {
                using var batch = await _queue.CreateBatchAsync(deadline.Token);
                var next = settled;
                while (next < envelopes.Count && batch.TryAdd(await MessageOfAsync(envelopes[next], deadline.Token)))
                {
                    next++;
                }

                if (next == settled)
                {
                    throw new QueueUnavailableException($"Envelope {envelopes[next].Envelope.Id} does not fit an empty batch of the queue.");
                }

                var sent = envelopes[settled..next];
                await Task.WhenAll(sent.Where(e => !e.Stored).Select(e => RecordAcceptedAsync(e.Envelope, deadline.Token)).Append(batch.SendAsync(deadline.Token)));
                settled = next;
                _wakeup.Signal();
                sent.ForEach(e => e.Accept());
            }
        }
        catch (Exception e)
        {
            var refused = e as QueueUnavailableException ?? new QueueUnavailableException("The ping could not be queued.", e);
            // Callers first: marking the envelopes rejected may wait for the storage that just failed.
            envelopes[settled..].ForEach(envelope => envelope.Refuse(refused, e));
            foreach (var envelope in envelopes[settled..])
            {
                LogQueueRefused(_logger, e, envelope.Envelope.Id, envelope.Envelope.Pings.Count);
                await MarkRejectedAsync(envelope.Envelope);
            }
        }
    }

    /// <summary>
    /// The envelope's message: the envelope itself, or, when it is too large for one message, a reference to its body,
    /// which is stored (with its record) before the message that points at it can be sent.
    /// </summary>
    private async Task<QueuedEnvelope> MessageOfAsync(OutgoingEnvelope outgoing, CancellationToken cancellationToken)
    {
        if (outgoing.Message is { } message)
        {
            return message;
        }

        var envelope = outgoing.Envelope;
        var body = PingEnvelopeJson.Serialize(envelope);
        if (body.Length > _queue.MaxEnvelopeBytes)
        {
            await _status.RecordAcceptedAsync(envelope, body, cancellationToken);
            outgoing.Stored = true;
            body = PingEnvelopeJson.Serialize(envelope with { Pings = [], Stored = true });
        }

        return outgoing.Message = new QueuedEnvelope(envelope.Id, body);
    }

    /// <summary>
    /// The envelope record serves GET /rc/v1/pings until delivery starts: the queue is what makes a ping accepted.
    /// If only the record fails, the ping is still delivered and delivery writes its status.
    /// </summary>
    private async Task RecordAcceptedAsync(PingEnvelope envelope, CancellationToken cancellationToken)
    {
        try
        {
            await _status.RecordAcceptedAsync(envelope, body: null, cancellationToken);
        }
        catch (Exception e)
        {
            LogStatusNotRecorded(_logger, e, envelope.Id);
        }
    }

    private async Task MarkRejectedAsync(PingEnvelope envelope)
    {
        try
        {
            // Bounded as the accept is: storage that does not answer must not hold a send slot.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abortSends.Token);
            timeout.CancelAfter(_acceptTimeout);
            await _status.MarkRejectedAsync(envelope, timeout.Token);
        }
        catch (Exception e)
        {
            LogStatusNotRecorded(_logger, e, envelope.Id);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Error, Message = "The queue refused envelope {EnvelopeId} with {PingCount} pings; callers are answered 503")]
    private static partial void LogQueueRefused(ILogger logger, Exception exception, string envelopeId, int pingCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the status of envelope {EnvelopeId}")]
    private static partial void LogStatusNotRecorded(ILogger logger, Exception exception, string envelopeId);
}
