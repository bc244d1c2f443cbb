using System.Collections.Concurrent;
using System.Threading.Channels;
using Azure;
using Microsoft.Extensions.Options;
using PushFunctions.Azure.NotificationHubs;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Pings;
using PushFunctions.Core.Registrations;

namespace PushFunctions.Gateway.Channels.NotificationHubs;

/// <summary>
/// Learns which handles are dead from what Notification Hubs reports after the fact. A direct send's 201 only says the
/// hub took the notification; on the Standard tier the hub then records, per notification, what each push service
/// answered (REST "Get notification message telemetry") and lists the refused handles in a PNS error details blob.
/// Some time after each accepted send this reads that telemetry until the hub has completed the notification, and
/// marks invalid the registrations whose handle a push service reported expired (<c>ExpiredChannel</c>: APNs
/// Unregistered, FCM UNREGISTERED, WNS 410) or not valid (<c>BadChannel</c>); the mark holds only if the registration
/// is still the one the send read (its ETag), so a device that registered again meanwhile keeps its new handle. Other
/// errors (credentials, throttling, a handle of another app) say nothing certain about the device and are only logged.
/// Free and Basic hubs give no notification id, so nothing is followed there. What is followed lives in memory: a
/// restart forgets it, and the handle is reported again by its next send.
/// </summary>
public sealed partial class PnsFeedbackWatcher : BackgroundService
{
    private static readonly HashSet<string> DeadHandleErrors = new(StringComparer.Ordinal) { "ExpiredChannel", "BadChannel" };

    private readonly RegistrationStore _registrations;
    private readonly NotificationHubsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PnsFeedbackWatcher> _logger;
    private readonly Channel<FollowedNotification> _followed = Channel.CreateUnbounded<FollowedNotification>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, bool> _hubsWithoutTelemetry = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _requests;
    private int _followedHandles;
    private int _overflowing;

    public PnsFeedbackWatcher(RegistrationStore registrations, IOptions<NotificationHubsOptions> options, TimeProvider time, ILogger<PnsFeedbackWatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _registrations = registrations;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _requests = new SemaphoreSlim(Math.Max(1, _options.MaxRequestsInFlight));
    }

    /// <summary>Follows a notification the hub accepted for <paramref name="clients"/> (as read for the send).</summary>
    internal void Follow(NotificationHubClient hub, PingId ping, string notificationId, IReadOnlyList<ClientRegistration> clients)
    {
        if (!_options.PruneReportedHandles)
        {
            return;
        }

        // Bounded by handles, not notifications: one batch holds up to 1,000.
        if (Interlocked.Add(ref _followedHandles, clients.Count) > _options.FeedbackMaxHandles)
        {
            Interlocked.Add(ref _followedHandles, -clients.Count);
            if (Interlocked.Exchange(ref _overflowing, 1) == 0)
            {
                LogNotFollowed(_logger, ping, _options.FeedbackMaxHandles);
            }

            return;
        }

        Volatile.Write(ref _overflowing, 0);
        _followed.Writer.TryWrite(new FollowedNotification(hub, ping, notificationId, clients, _time.GetUtcNow()));
    }

    public override void Dispose()
    {
        _requests.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var following = new List<Task>();
        try
        {
            await foreach (var notification in _followed.Reader.ReadAllAsync(stoppingToken))
            {
                following.RemoveAll(task => task.IsCompleted);
                following.Add(FollowAsync(notification, stoppingToken));
            }
        }
        finally
        {
            await Task.WhenAll(following);
        }
    }

    private async Task FollowAsync(FollowedNotification notification, CancellationToken cancellationToken)
    {
        try
        {
            var details = await AwaitCompletionAsync(notification, cancellationToken);
            if (details is null)
            {
                return;
            }

            var errors = details.OutcomeCounts.Where(count => count.Outcome != "Success" && count.Count > 0).ToList();
            if (errors.Count > 0)
            {
                LogPushServiceErrors(_logger, notification.NotificationId, notification.Ping, notification.Hub.HubName, details.State,
                    string.Join(", ", errors.Select(count => $"{count.Platform} {count.Outcome} {count.Count}")));
            }

            if (details.PnsErrorDetailsUri is { } errorDetails)
            {
                var feedback = await LimitedAsync(() => notification.Hub.GetPnsErrorDetailsAsync(errorDetails, cancellationToken), cancellationToken);
                await PruneAsync(notification, feedback.Value, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: what was not learned now is learned from the handle's next send.
        }
        catch (Exception e)
        {
            // Neither the exception's text nor the blob's address is logged: they may carry a handle or a SAS.
            LogFollowFailed(_logger, notification.NotificationId, notification.Ping, notification.Hub.HubName, e.GetType().Name, (e as RequestFailedException)?.Status ?? 0);
        }
        finally
        {
            Interlocked.Add(ref _followedHandles, -notification.Clients.Count);
        }
    }

    /// <summary>The telemetry once the hub has completed the notification; null when there is none to be had.</summary>
    private async Task<NotificationDetails?> AwaitCompletionAsync(FollowedNotification notification, CancellationToken cancellationToken)
    {
        var giveUpAt = notification.SentAt + _options.FeedbackTimeout;
        var wait = _options.FeedbackDelay;
        while (true)
        {
            await Task.Delay(wait, _time, cancellationToken);
            try
            {
                var details = (await LimitedAsync(() => notification.Hub.GetNotificationOutcomeDetailsAsync(notification.NotificationId, cancellationToken), cancellationToken)).Value;
                if (details.State is not (NotificationOutcomeState.Enqueued or NotificationOutcomeState.Processing or NotificationOutcomeState.Scheduled))
                {
                    return details;
                }
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // Not processed far enough yet: the REST reference says to ask again after 10 s, for up to 30 minutes.
            }
            catch (RequestFailedException e) when (e.Status == 401 || e.ErrorCode is NotificationHubErrorCode.NotAvailableForTier or NotificationHubErrorCode.Forbidden)
            {
                // Sends work; only pruning is off for this hub. Said once, not for every notification.
                if (_hubsWithoutTelemetry.TryAdd(notification.Hub.HubName, true))
                {
                    LogNoTelemetry(_logger, notification.Hub.HubName, e.Status, NotificationHubFailure.Detail(e));
                }

                return null;
            }

            wait = _options.FeedbackPollInterval;
            if (_time.GetUtcNow() + wait > giveUpAt)
            {
                LogGaveUp(_logger, notification.NotificationId, notification.Ping, notification.Hub.HubName, _options.FeedbackTimeout);
                return null;
            }
        }
    }

    private async Task PruneAsync(FollowedNotification notification, IReadOnlyList<PnsFeedback> feedback, CancellationToken cancellationToken)
    {
        var dead = feedback
            .Where(entry => DeadHandleErrors.Contains(entry.NotificationSystemError) && (entry.NotificationId is null || entry.NotificationId == notification.NotificationId))
            .Select(entry => entry.PnsHandle)
            .ToHashSet(StringComparer.Ordinal);
        int marked = 0, kept = 0;
        foreach (var client in notification.Clients.Where(client => client.DevicePin is { } handle && dead.Contains(handle)))
        {
            if (await _registrations.MarkInvalidAsync(client, OutcomeReasons.HandleGone, cancellationToken))
            {
                marked++;
            }
            else
            {
                kept++;
            }
        }

        if (marked + kept > 0)
        {
            LogPruned(_logger, notification.Ping, marked, notification.Hub.HubName, notification.NotificationId, kept);
        }
    }

    private async Task<T> LimitedAsync<T>(Func<Task<T>> request, CancellationToken cancellationToken)
    {
        await _requests.WaitAsync(cancellationToken);
        try
        {
            return await request();
        }
        finally
        {
            _requests.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ping {PingId}: more than {MaxHandles} handles already await their notifications' telemetry; the handles of this send are not checked for pruning")]
    private static partial void LogNotFollowed(ILogger logger, PingId pingId, int maxHandles);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {NotificationId} of ping {PingId} through hub {Hub} ended {State}; the push services reported: {Outcomes}")]
    private static partial void LogPushServiceErrors(ILogger logger, string notificationId, PingId pingId, string hub, NotificationOutcomeState state, string outcomes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ping {PingId}: {Marked} registrations marked invalid because hub {Hub} reported their handles expired or not valid (notification {NotificationId}); {Kept} kept because the device registered again or was deleted since the send")]
    private static partial void LogPruned(ILogger logger, PingId pingId, int marked, string hub, string notificationId, int kept);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification hub {Hub} refuses this gateway its per-message telemetry ({Status}: {Detail}); it needs the Standard tier and an access policy allowed to read it. Sends go on; handles it sends to are not pruned")]
    private static partial void LogNoTelemetry(ILogger logger, string hub, int status, string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} of ping {PingId} through hub {Hub} was not completed within {Timeout}; its handles are not checked")]
    private static partial void LogGaveUp(ILogger logger, string notificationId, PingId pingId, string hub, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the telemetry of notification {NotificationId} of ping {PingId} through hub {Hub} failed ({Error}, status {Status}); its handles are not checked")]
    private static partial void LogFollowFailed(ILogger logger, string notificationId, PingId pingId, string hub, string error, int status);
}
