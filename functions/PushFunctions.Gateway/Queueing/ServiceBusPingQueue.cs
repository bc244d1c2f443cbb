using Microsoft.Extensions.Options;
using PushFunctions.Azure.ServiceBus;
using PushFunctions.Gateway.Configuration;

namespace PushFunctions.Gateway.Queueing;

/// <summary>
/// Pings on a Service Bus queue, each envelope one message whose MessageId is the envelope id, so a send retried after
/// a lost answer is dropped by duplicate detection. Envelopes handed over while earlier requests are in flight leave
/// together in one batch request, as many as fit its size limit: under load the gateway makes fewer, fuller requests.
/// </summary>
public sealed class ServiceBusPingQueue : IPingQueue
{
    public const string ConnectionSetting = "ServiceBusConnection";

    /// <summary>
    /// Requests in flight at once. The batcher already hands over up to PushQueue:MaxConcurrentSends envelopes at a
    /// time; four requests keep the namespace busy while the rest wait to share the next batch.
    /// </summary>
    private const int MaxRequestsInFlight = 4;

    /// <summary>Room within a message's limit for the BrokerProperties header and the service's own properties.</summary>
    private const int PropertiesAllowance = 8 * 1024;

    private readonly ServiceBusSender _sender;
    private readonly TimeSpan _timeToLive;
    private readonly Lock _gate = new();
    private readonly Queue<PendingSend> _waiting = new();
    private int _requestsInFlight;

    public ServiceBusPingQueue(ServiceBusSender sender, IOptions<PushQueueOptions> options)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(options);
        _sender = sender;
        _timeToLive = options.Value.TimeToLive;
    }

    /// <summary>An envelope travels alone as one message when it does not fit a batch, so a message's limit bounds it.</summary>
    public int MaxEnvelopeBytes => ServiceBusClientOptions.StandardTierMaxMessageSizeInBytes - PropertiesAllowance;

    /// <summary>The namespace, from the Functions-style "ServiceBusConnection" settings the trigger reads too.</summary>
    public static ServiceBusPingQueue FromSettings(Func<string, string?> lookup, IOptions<PushQueueOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = ServiceBusConnectionSettings.CreateClient(lookup, ConnectionSetting);
        return new ServiceBusPingQueue(client.CreateSender(options.Value.QueueName), options);
    }

    /// <summary>The queue, with its dead-lettering and duplicate detection, is the deployment's (infra/app/servicebus.bicep): the app may only send.</summary>
    public Task EnsureExistsAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SendAsync(QueuedEnvelope envelope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var pending = new PendingSend(new ServiceBusMessage(new BinaryData(envelope.Body)) { MessageId = envelope.Id, TimeToLive = _timeToLive });
        bool startRequest;
        lock (_gate)
        {
            _waiting.Enqueue(pending);
            startRequest = _requestsInFlight < MaxRequestsInFlight;
            if (startRequest)
            {
                _requestsInFlight++;
            }
        }

        if (startRequest)
        {
            _ = SendWaitingAsync();
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Scheduled sends come with the Service Bus SDK's ScheduledEnqueueTime; this REST sender has no such property.</summary>
    public Task SendLaterAsync(QueuedEnvelope envelope, TimeSpan delay, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Scheduled retries need the Service Bus SDK sender.");

    /// <summary>One request slot: sends what is waiting, batch after batch, until nothing is.</summary>
    private async Task SendWaitingAsync()
    {
        while (true)
        {
            var batch = await _sender.CreateMessageBatchAsync();
            List<PendingSend> sends;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _requestsInFlight--;
                    return;
                }

                sends = Take(batch);
            }

            await SendAsync(sends, batch);
        }
    }

    /// <summary>Moves waiting sends into <paramref name="batch"/> while they fit; at least one leaves.</summary>
    private List<PendingSend> Take(ServiceBusMessageBatch batch)
    {
        var sends = new List<PendingSend>();
        while (_waiting.TryPeek(out var next) && batch.TryAddMessage(next.Message))
        {
            sends.Add(_waiting.Dequeue());
        }

        if (sends.Count == 0)
        {
            // Too large for a batch entry (its body escaped into a JSON string): it goes alone, its body as is.
            sends.Add(_waiting.Dequeue());
        }

        return sends;
    }

    private async Task SendAsync(List<PendingSend> sends, ServiceBusMessageBatch batch)
    {
        try
        {
            if (sends.Count == 1)
            {
                await _sender.SendMessageAsync(sends[0].Message, CancellationToken.None);
            }
            else
            {
                await _sender.SendMessagesAsync(batch, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            // Whatever went wrong, every caller waiting on this request must hear it, or its pings hang.
            var refused = new QueueUnavailableException("The Service Bus queue did not accept the envelope.", e);
            sends.ForEach(s => s.Completion.TrySetException(refused));
            return;
        }

        sends.ForEach(s => s.Completion.TrySetResult());
    }
}
