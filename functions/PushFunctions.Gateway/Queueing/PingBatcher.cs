using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Contract;
using PushFunctions.Core.Pings;
using PushFunctions.Gateway.Configuration;

namespace PushFunctions.Gateway.Queueing;

/// <summary>
/// Puts accepted pings on the queue in envelopes. While every send slot is busy, arriving pings wait and then
/// leave together: at low load each ping goes at once, under load envelopes fill up by themselves, and a ping waits
/// at most about one queue write. A caller is answered 200 only when its envelope is durably queued, and 503 when that
/// has not happened within PushQueue:AcceptTimeout (a queue that does not answer never leaves callers hanging). On
/// shutdown new pings are refused at once, the waiting ones still go, and whatever is left when the host's shutdown
/// timeout ends is answered 503.
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
    private readonly int _maxPings;
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
        _maxPings = Math.Clamp(options.Value.MaxPingsPerEnvelope, 1, PingId.MaxIndex + 1);
    }

    /// <summary>Returns the ping's id once it is durably queued.</summary>
    /// <exception cref="QueueUnavailableException">The queue did not take it in time, or the gateway is stopping; nothing was accepted.</exception>
    public async Task<string> AcceptAsync(PingRequest request, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var pending = new PendingPing(request, now, now + _acceptTimeout);
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
        while (batch.Count < _maxPings && (_carried is not null || reader.TryRead(out _carried)))
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

    private async Task SendAsync(List<PendingPing> batch)
    {
        var envelopeId = PingId.NewEnvelopeId();
        var envelope = new PingEnvelope(
            envelopeId,
            batch.Select((p, i) => new Ping(new PingId(envelopeId, i).ToString(), p.Request.UserIds, p.Request.Notification, p.AcceptedAt)).ToList());
        // The write may take until the first caller's deadline; after it, that caller has its 503.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_abortSends.Token);
        deadline.CancelAfter(Max(batch.Min(p => p.Deadline) - _time.GetUtcNow(), TimeSpan.Zero));
        try
        {
            var body = PingEnvelopeJson.Serialize(envelope);
            if (body.Length <= _queue.MaxEnvelopeBytes)
            {
                await Task.WhenAll(RecordAcceptedAsync(envelope, deadline.Token), _queue.SendAsync(new QueuedEnvelope(envelopeId, body), deadline.Token));
            }
            else
            {
                // Too large for one message: the body goes into the envelope's record, which must land before
                // the message that points at it.
                await _status.RecordAcceptedAsync(envelope, body, deadline.Token);
                var reference = PingEnvelopeJson.Serialize(new PingEnvelope(envelopeId, [], Stored: true));
                await _queue.SendAsync(new QueuedEnvelope(envelopeId, reference), deadline.Token);
            }
        }
        catch (Exception e)
        {
            LogQueueRefused(_logger, e, envelopeId, batch.Count);
            var refused = e as QueueUnavailableException ?? new QueueUnavailableException("The ping could not be queued.", e);
            batch.ForEach(p => p.Completion.TrySetException(refused));
            await MarkRejectedAsync(envelope);
            return;
        }

        _wakeup.Signal();
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(envelope.Pings[i].Id);
        }
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
