using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using PushFunctions.Azure.NotificationHubs;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Pings;

namespace PushFunctions.Gateway.Channels.NotificationHubs;

/// <summary>
/// One ping's sends through the hubs: the shared request limit, and the hubs found unusable during it (credentials
/// rejected, no such hub, quota used up), whose remaining devices fail without another request.
/// </summary>
internal sealed class HubDelivery(
    NotificationHubsChannel channel, IReadOnlyList<DeviceSend> sends, DeviceOutcome[] outcomes, int maxInFlight, CancellationToken cancellationToken) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(Math.Max(1, maxInFlight));
    private readonly ConcurrentDictionary<string, string> _unusableHubs = new(StringComparer.OrdinalIgnoreCase);

    public async Task SendChunkAsync(HubSender hub, int[] chunk)
    {
        if (_unusableHubs.TryGetValue(hub.Name, out var reason))
        {
            Fill(chunk, reason);
            return;
        }

        if (chunk.Length > 1 && channel.MayBatch(hub))
        {
            var payload = sends[chunk[0]].Payload;
            try
            {
                var receipt = await SendLimitedAsync(() => hub.Client.SendDirectBatchAsync(
                    payload.NotificationHubsFormat!, payload.Body, payload.Headers, chunk.Select(i => sends[i].Target.Handle).ToList(), cancellationToken));
                Accept(hub, chunk, receipt.Value);
                return;
            }
            catch (RequestFailedException e) when (e.ErrorCode == NotificationHubErrorCode.NotAvailableForTier)
            {
                // Free-tier hubs have no batch route; direct sends still work.
                channel.OnBatchRefused(hub, Ping, e);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Fill(chunk, ReasonFor(hub, e), StatusFor(e));
                return;
            }
        }

        await Task.WhenAll(chunk.Select(i => SendOneAsync(hub, i)));
    }

    private async Task SendOneAsync(HubSender hub, int i)
    {
        var send = sends[i];
        if (_unusableHubs.TryGetValue(hub.Name, out var reason))
        {
            outcomes[i] = send.Outcome(OutcomeStatus.Failed, reason);
            return;
        }

        try
        {
            var receipt = await SendLimitedAsync(() => hub.Client.SendDirectNotificationAsync(
                send.Payload.NotificationHubsFormat!, send.Payload.Body, send.Payload.Headers, send.Target.Handle, cancellationToken));
            Accept(hub, [i], receipt.Value);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            outcomes[i] = send.Outcome(StatusFor(e), ReasonFor(hub, e));
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<Response<NotificationHubSendReceipt>> SendLimitedAsync(Func<Task<Response<NotificationHubSendReceipt>>> send)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await send();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The hub accepted the notification for these devices (201): that says nothing yet about their handles.</summary>
    private void Accept(HubSender hub, int[] members, NotificationHubSendReceipt receipt)
    {
        foreach (var i in members)
        {
            outcomes[i] = sends[i].Outcome(OutcomeStatus.Sent, notificationId: receipt.NotificationId);
        }

        channel.OnAccepted(hub, Ping, receipt, members.Select(i => sends[i].Target.Client).ToList());
    }

    private void Fill(int[] chunk, string reason, OutcomeStatus status = OutcomeStatus.Failed)
    {
        foreach (var i in chunk)
        {
            outcomes[i] = sends[i].Outcome(status, reason);
        }
    }

    /// <summary>
    /// No answer, a timeout, throttling or a server error, still so after the client's retries, is an outage of the hub
    /// or its platform: the device is deferred to the ping's next attempt, not failed.
    /// </summary>
    private static OutcomeStatus StatusFor(Exception exception) =>
        exception is RequestFailedException { Status: 0 or 408 or 429 or >= 500 } ? OutcomeStatus.Deferred : OutcomeStatus.Failed;

    /// <summary>A fixed reason for the status; what the hub said goes to the log, under the ping's id.</summary>
    private string ReasonFor(HubSender hub, Exception exception)
    {
        if (exception is RequestFailedException failed && HubProblem(failed) is { } problem)
        {
            // A failure of the hub, not of this send: the first one speaks for the requests in flight and the rest of the ping.
            if (_unusableHubs.TryAdd(hub.Name, problem))
            {
                channel.OnHubUnusable(hub, Ping, problem, failed);
            }

            return problem;
        }

        channel.OnSendFailed(hub, Ping, exception);
        return exception switch
        {
            RequestFailedException { Status: 400 } => NotificationHubsReasons.BadPayload,
            RequestFailedException { ErrorCode: NotificationHubErrorCode.MessageSizeExceeded } => OutcomeReasons.PayloadTooLarge,
            RequestFailedException { Status: 0 } => NotificationHubsReasons.Unreachable,
            RequestFailedException e => string.Create(CultureInfo.InvariantCulture, $"notification hubs answered {e.Status}"),
            _ => OutcomeReasons.ChannelError(channel.Name),
        };
    }

    /// <summary>Answers about the hub rather than the devices: wrong credentials, no hub of that name, no pushes left in its tier.</summary>
    private static string? HubProblem(RequestFailedException exception) => exception switch
    {
        { Status: 401 } or { ErrorCode: NotificationHubErrorCode.Forbidden } => NotificationHubsReasons.CredentialsRejected,
        { Status: 404 } => NotificationHubsReasons.HubNotFound,
        { ErrorCode: NotificationHubErrorCode.QuotaExceeded } => NotificationHubsReasons.QuotaExceeded,
        _ => null,
    };

    /// <summary>Every send of one channel call belongs to the same ping.</summary>
    private PingId Ping => sends[0].Ping;
}
