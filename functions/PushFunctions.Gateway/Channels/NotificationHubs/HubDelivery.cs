using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using PushFunctions.Azure.NotificationHubs;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Pings;

namespace PushFunctions.Gateway.Channels.NotificationHubs;

/// <summary>One ping's sends through the hubs: the shared request limit and which hubs rejected credentials during it.</summary>
internal sealed class HubDelivery(
    NotificationHubsChannel channel, IReadOnlyList<DeviceSend> sends, DeviceOutcome[] outcomes, int maxInFlight, CancellationToken cancellationToken) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(Math.Max(1, maxInFlight));
    private readonly ConcurrentDictionary<string, bool> _rejectedHubs = new(StringComparer.OrdinalIgnoreCase);

    public async Task SendChunkAsync(HubSender hub, int[] chunk)
    {
        var payload = sends[chunk[0]].Payload;
        if (chunk.Length > 1 && !hub.BatchRefused)
        {
            if (_rejectedHubs.ContainsKey(hub.Name))
            {
                Fill(chunk, NotificationHubsReasons.CredentialsRejected);
                return;
            }

            try
            {
                var receipt = await SendLimitedAsync(() => hub.Client.SendDirectBatchAsync(
                    payload.NotificationHubsFormat!, payload.Body, payload.Headers, chunk.Select(i => sends[i].Target.Handle).ToList(), cancellationToken));
                channel.OnAccepted(hub);
                foreach (var i in chunk)
                {
                    outcomes[i] = sends[i].Outcome(OutcomeStatus.Sent, notificationId: receipt.Value.NotificationId);
                }

                return;
            }
            catch (RequestFailedException e) when (e.Status == 403)
            {
                // Free-tier hubs have no batch route; direct sends still work.
                channel.OnBatchRefused(hub, Ping, e);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 410)
            {
                // A batch cannot say which handle is gone: each device's own answer decides.
            }
            catch (RequestFailedException e) when (e.Status == 401)
            {
                RejectCredentials(hub, e);
                Fill(chunk, NotificationHubsReasons.CredentialsRejected);
                return;
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
        if (_rejectedHubs.ContainsKey(hub.Name))
        {
            outcomes[i] = send.Outcome(OutcomeStatus.Failed, NotificationHubsReasons.CredentialsRejected);
            return;
        }

        try
        {
            var receipt = await SendLimitedAsync(() => hub.Client.SendDirectNotificationAsync(
                send.Payload.NotificationHubsFormat!, send.Payload.Body, send.Payload.Headers, send.Target.Handle, cancellationToken));
            channel.OnAccepted(hub);
            outcomes[i] = send.Outcome(OutcomeStatus.Sent, notificationId: receipt.Value.NotificationId);
        }
        catch (RequestFailedException e) when (e.Status is 401 or 403)
        {
            RejectCredentials(hub, e);
            outcomes[i] = send.Outcome(OutcomeStatus.Failed, NotificationHubsReasons.CredentialsRejected);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 410)
        {
            outcomes[i] = send.Outcome(OutcomeStatus.Failed, OutcomeReasons.HandleGone);
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

    private void RejectCredentials(HubSender hub, RequestFailedException e)
    {
        // Requests already in flight may be rejected too; the first one speaks for all.
        if (_rejectedHubs.TryAdd(hub.Name, true))
        {
            channel.OnCredentialsRejected(hub, Ping, e);
        }
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
        channel.OnSendFailed(hub, Ping, exception);
        return exception switch
        {
            RequestFailedException { Status: 400 } => NotificationHubsReasons.BadPayload,
            RequestFailedException { Status: 413 } => OutcomeReasons.PayloadTooLarge,
            RequestFailedException { Status: 0 } => NotificationHubsReasons.Unreachable,
            RequestFailedException e => string.Create(CultureInfo.InvariantCulture, $"notification hubs answered {e.Status}"),
            _ => OutcomeReasons.ChannelError(channel.Name),
        };
    }

    /// <summary>Every send of one channel call belongs to the same ping.</summary>
    private PingId Ping => sends[0].Ping;
}
