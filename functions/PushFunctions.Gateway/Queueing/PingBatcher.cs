using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Contract;
using PushFunctions.Core.Pings;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Telemetry;

namespace PushFunctions.Gateway.Queueing;

/// <summary>
/// Puts accepted pings on the queue in envelopes. While every send slot is busy, arriving pings wait and then
/// leave together: at low load each ping goes at once, under load envelopes fill up by themselves, and a ping waits
/// at most about one queue write. A caller is answered only when its envelope is durably queued.
/// </summary>
public sealed partial class PingBatcher : BackgroundService
{
    private readonly Channel<PendingPing> _incoming = Channel.CreateBounded<PendingPing>(
        new BoundedChannelOptions(50_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly IPingQueue _queue;
    private readonly PingStatusStore _status;
    private readonly DeliveryWakeup _wakeup;
    private readonly TimeProvider _time;
    private readonly ILogger<PingBatcher> _logger;
    private readonly SemaphoreSlim _sendSlots;
    private readonly int _maxPings;
    private PendingPing? _carried;

    public PingBatcher(
        IPingQueue queue, PingStatusStore status, DeliveryWakeup wakeup, IOptions<PushQueueOptions> options, TimeProvider time, ILogger<PingBatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _queue = queue;
        _status = status;
        _wakeup = wakeup;
        _time = time;
        _logger = logger;
        _sendSlots = new SemaphoreSlim(options.Value.MaxConcurrentSends);
        _maxPings = Math.Clamp(options.Value.MaxPingsPerEnvelope, 1, PingId.MaxIndex + 1);
    }

    /// <summary>Returns the ping's id once it is durably queued.</summary>
    /// <exception cref="QueueUnavailableException">The queue did not take it; nothing was accepted.</exception>
    public async Task<string> AcceptAsync(PingRequest request, CancellationToken cancellationToken)
    {
        var (traceParent, traceState) = PingActivities.CurrentContext();
        var pending = new PendingPing(request, _time.GetUtcNow(), traceParent, traceState);
        await _incoming.Writer.WriteAsync(pending, cancellationToken);
        // Not cancellable once handed over: the envelope's write decides, and the caller must learn which way.
        return await pending.Completion.Task;
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
                _ = SendAndReleaseAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: pings still waiting were never answered 200, so the caller will retry them.
        }
    }

    private List<PendingPing> TakeBatch(ChannelReader<PendingPing> reader)
    {
        var batch = new List<PendingPing>();
        var bytes = 0;
        var budget = _queue.MaxEnvelopeBytes;
        while (batch.Count < _maxPings && (_carried is not null || reader.TryRead(out _carried)))
        {
            var size = _carried!.EstimatedBytes;
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
        var pings = batch.Select((p, i) => new Ping(
            new PingId(envelopeId, i).ToString(), p.Request.UserIds, p.Request.Notification, p.AcceptedAt, p.TraceParent, p.TraceState)).ToList();
        using var activity = PingActivities.StartEnvelopeSend(envelopeId, pings);
        var envelope = new PingEnvelope(envelopeId, pings, TraceParent: activity?.Id);
        try
        {
            var body = PingEnvelopeJson.Serialize(envelope);
            if (body.Length <= _queue.MaxEnvelopeBytes)
            {
                await Task.WhenAll(RecordAcceptedAsync(envelope), _queue.SendAsync(new QueuedEnvelope(envelopeId, body), CancellationToken.None));
            }
            else
            {
                // Too large for one message: the body goes into the envelope's record, which must land before
                // the message that points at it.
                await _status.RecordAcceptedAsync(envelope, body, CancellationToken.None);
                var reference = PingEnvelopeJson.Serialize(envelope with { Pings = [], Stored = true });
                await _queue.SendAsync(new QueuedEnvelope(envelopeId, reference), CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            activity.Failed("the queue refused the envelope", e);
            LogQueueRefused(_logger, e, envelopeId, batch.Count);
            await MarkRejectedAsync(envelope);
            var refused = e as QueueUnavailableException ?? new QueueUnavailableException("The ping could not be queued.", e);
            batch.ForEach(p => p.Completion.TrySetException(refused));
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
    private async Task RecordAcceptedAsync(PingEnvelope envelope)
    {
        try
        {
            await _status.RecordAcceptedAsync(envelope, body: null, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStatusNotRecorded(_logger, e, envelope.Id);
        }
    }

    private async Task MarkRejectedAsync(PingEnvelope envelope)
    {
        try
        {
            await _status.MarkRejectedAsync(envelope, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStatusNotRecorded(_logger, e, envelope.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The queue refused envelope {EnvelopeId} with {PingCount} pings; callers are answered 503")]
    private static partial void LogQueueRefused(ILogger logger, Exception exception, string envelopeId, int pingCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the status of envelope {EnvelopeId}")]
    private static partial void LogStatusNotRecorded(ILogger logger, Exception exception, string envelopeId);
}
