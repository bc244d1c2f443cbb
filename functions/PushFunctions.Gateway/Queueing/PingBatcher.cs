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
/// fill up by themselves, and a ping waits at most about one queue write. A caller is answered only when its envelope
/// is durably queued.
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
    private readonly int _maxPingsPerEnvelope;
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
        _maxPingsPerEnvelope = Math.Clamp(options.Value.MaxPingsPerEnvelope, 1, PingId.MaxIndex + 1);
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
        var maxPings = _maxPingsPerEnvelope * _queue.MaxEnvelopesPerSend;
        while (batch.Count < maxPings && (_carried is not null || reader.TryRead(out _carried)))
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

    /// <summary>
    /// Sends the pings' envelopes in as few queue batches as they fit (one, unless an envelope turns out larger than its
    /// estimate). Each batch succeeds or fails as a whole; its callers learn which.
    /// </summary>
    private async Task SendAsync(List<PendingPing> pings)
    {
        var envelopes = pings.Chunk(_maxPingsPerEnvelope).Select(chunk => new OutgoingEnvelope(chunk)).ToList();
        var settled = 0;
        try
        {
            while (settled < envelopes.Count)
            {
                using var batch = await _queue.CreateBatchAsync(CancellationToken.None);
                var next = settled;
                while (next < envelopes.Count && batch.TryAdd(await MessageOfAsync(envelopes[next])))
                {
                    next++;
                }

                if (next == settled)
                {
                    throw new QueueUnavailableException($"Envelope {envelopes[next].Envelope.Id} does not fit an empty batch of the queue.");
                }

                var sent = envelopes[settled..next];
                await Task.WhenAll(sent.Where(e => !e.Stored).Select(e => RecordAcceptedAsync(e.Envelope)).Append(batch.SendAsync(CancellationToken.None)));
                settled = next;
                _wakeup.Signal();
                sent.ForEach(e => e.Accept());
            }
        }
        catch (Exception e)
        {
            var refused = e as QueueUnavailableException ?? new QueueUnavailableException("The ping could not be queued.", e);
            foreach (var envelope in envelopes[settled..])
            {
                LogQueueRefused(_logger, e, envelope.Envelope.Id, envelope.Envelope.Pings.Count);
                await MarkRejectedAsync(envelope.Envelope);
                envelope.Refuse(refused, e);
            }
        }
    }

    /// <summary>
    /// The envelope's message: the envelope itself, or, when it is too large for one message, a reference to its body,
    /// which is stored (with its record) before the message that points at it can be sent.
    /// </summary>
    private async Task<QueuedEnvelope> MessageOfAsync(OutgoingEnvelope outgoing)
    {
        if (outgoing.Message is { } message)
        {
            return message;
        }

        var envelope = outgoing.Envelope;
        var body = PingEnvelopeJson.Serialize(envelope);
        if (body.Length > _queue.MaxEnvelopeBytes)
        {
            await _status.RecordAcceptedAsync(envelope, body, CancellationToken.None);
            outgoing.Stored = true;
            body = PingEnvelopeJson.Serialize(envelope with { Pings = [], Stored = true });
        }

        return outgoing.Message = new QueuedEnvelope(envelope.Id, body);
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
