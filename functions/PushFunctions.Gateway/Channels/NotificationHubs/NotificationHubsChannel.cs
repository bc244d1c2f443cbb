using System.Collections.Concurrent;
using Azure;
using Microsoft.Extensions.Options;
using PushFunctions.Azure.NotificationHubs;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;
using PushFunctions.Core.Pings;
using PushFunctions.Core.Registrations;
using PushFunctions.Gateway.Health;

namespace PushFunctions.Gateway.Channels.NotificationHubs;

/// <summary>
/// Native pushes (APNs, FCM v1, WNS) through Azure Notification Hubs. A ping's sends are grouped by hub, format and
/// payload and sent as direct batches of up to 1,000 handles; a hub that refuses batch send (Free tier) gets direct
/// sends one by one for <see cref="NotificationHubsOptions.BatchRetryInterval"/>, then the batch route is tried again.
/// Throttling and server faults are retried by the client's pipeline (back-off with jitter, Retry-After honoured);
/// still failing after those, the device is deferred to the ping's next attempt (an outage delays, it does not fail).
/// Every other answer is final for the device. Answers about the hub itself (credentials rejected, no hub of that
/// name, quota used up) fail that hub's remaining devices of the ping at once, are logged once, and turn /healthz
/// unhealthy (<see cref="ChannelHealth"/>) until a send to that hub is accepted again; they never mark a registration.
/// An accepted send says nothing about the handles: what the push services said about them comes later, from the
/// hub's per-message telemetry (<see cref="PnsFeedbackWatcher"/>).
/// </summary>
public sealed partial class NotificationHubsChannel : IDeliveryChannel
{
    private readonly NotificationHubsOptions _options;
    private readonly ChannelHealth _health;
    private readonly PnsFeedbackWatcher _feedback;
    private readonly TimeProvider _time;
    private readonly ILogger<NotificationHubsChannel> _logger;
    private readonly NotificationHubConnectionString _connection;
    private readonly ConcurrentDictionary<string, HubSender> _hubs = new(StringComparer.OrdinalIgnoreCase);

    public NotificationHubsChannel(
        IOptions<NotificationHubsOptions> options, ChannelHealth health, PnsFeedbackWatcher feedback, TimeProvider time, ILogger<NotificationHubsChannel> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _health = health;
        _feedback = feedback;
        _time = time;
        _logger = logger;
        // Parsed now so a malformed connection string stops the gateway at start-up, not at the first ping.
        _connection = NotificationHubConnectionString.Parse(_options.ConnectionString
            ?? throw new InvalidOperationException($"{NotificationHubsOptions.Section}:{nameof(NotificationHubsOptions.ConnectionString)} is not set."));
    }

    public string Name => "notification hubs";

    public bool Serves(Platform platform) => platform is Platform.Apple or Platform.Fcm or Platform.Wns;

    public async Task<IReadOnlyList<DeviceOutcome>> SendAsync(IReadOnlyList<DeviceSend> sends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sends);
        var outcomes = new DeviceOutcome[sends.Count];
        var groups = new Dictionary<(string Hub, string? Format, string Body), List<int>>();
        for (var i = 0; i < sends.Count; i++)
        {
            var hub = _options.HubFor(sends[i].Target.Client.DeviceAppId);
            if (hub is null)
            {
                outcomes[i] = sends[i].Outcome(OutcomeStatus.Failed, NotificationHubsReasons.NoHub);
                continue;
            }

            var key = (hub, sends[i].Payload.NotificationHubsFormat, sends[i].Payload.Body);
            if (!groups.TryGetValue(key, out var members))
            {
                groups[key] = members = [];
            }

            members.Add(i);
        }

        using var delivery = new HubDelivery(this, sends, outcomes, _options.MaxRequestsInFlight, cancellationToken);
        await Task.WhenAll(groups.SelectMany(group => group.Value.Chunk(NotificationHubClient.MaxBatchHandles)
            .Select(chunk => delivery.SendChunkAsync(Sender(group.Key.Hub), chunk))));
        return outcomes;
    }

    private HubSender Sender(string hub) => _hubs.GetOrAdd(hub, name => new HubSender(new NotificationHubClient(
        _options.ConnectionString!,
        name,
        new NotificationHubClientOptions { Retry = { MaxRetries = _options.MaxRetries, Delay = _options.RetryDelay } })));

    internal bool MayBatch(HubSender hub) => hub.MayBatch(_time.GetUtcNow());

    internal void OnAccepted(HubSender hub, PingId ping, NotificationHubSendReceipt receipt, IReadOnlyList<ClientRegistration> clients)
    {
        _health.ReportWorking(HealthKey(hub));
        if (receipt.NotificationId is { } notificationId)
        {
            _feedback.Follow(hub.Client, ping, notificationId, clients);
        }
    }

    internal void OnBatchRefused(HubSender hub, PingId ping, RequestFailedException e)
    {
        var now = _time.GetUtcNow();
        var retryAt = now + _options.BatchRetryInterval;
        if (hub.RefuseBatch(now, retryAt))
        {
            LogBatchRefused(_logger, hub.Name, ping.ToString(), e.Status, NotificationHubFailure.Detail(e), retryAt);
        }
    }

    /// <summary>Logged when the problem appears, not again for every ping while it lasts; /healthz keeps reporting it.</summary>
    internal void OnHubUnusable(HubSender hub, PingId ping, string reason, RequestFailedException e)
    {
        var detail = NotificationHubFailure.Detail(e) ?? $"status {e.Status}";
        var remedy = reason switch
        {
            NotificationHubsReasons.HubNotFound =>
                $"namespace {_connection.Endpoint.Host} has no hub '{hub.Name}': check {string.Join(" and ", _options.SettingsNaming(hub.Name))}",
            NotificationHubsReasons.QuotaExceeded => $"namespace {_connection.Endpoint.Host} has used the pushes its tier allows: move it to a higher tier or wait for the quota to renew",
            _ => $"check {NotificationHubsOptions.Section}__{nameof(NotificationHubsOptions.ConnectionString)}: access policy {_connection.SharedAccessKeyName} needs its current key and the Send right",
        };
        if (_health.ReportProblem(HealthKey(hub), $"{reason} ({e.Status}: {detail}); {remedy}"))
        {
            LogHubUnusable(_logger, hub.Name, reason, ping.ToString(), e.Status, detail, remedy);
        }
    }

    internal void OnSendFailed(HubSender hub, PingId ping, Exception e)
    {
        if (e is RequestFailedException { Status: > 0 } answered)
        {
            LogSendRefused(_logger, hub.Name, ping.ToString(), answered.Status, NotificationHubFailure.Detail(answered));
        }
        else
        {
            LogSendFailed(_logger, e, hub.Name, ping.ToString());
        }
    }

    private string HealthKey(HubSender hub) => $"{Name} hub {hub.Name}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification hub {Hub} refused direct batch send for ping {PingId} ({Status}: {Detail}); sending to its devices one by one until {RetryAt:O}, then trying batches again")]
    private static partial void LogBatchRefused(ILogger logger, string hub, string pingId, int status, string? detail, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification hub {Hub}: {Reason} sending ping {PingId} ({Status}: {Detail}); its devices fail, their registrations untouched, until fixed: {Remedy}")]
    private static partial void LogHubUnusable(ILogger logger, string hub, string reason, string pingId, int status, string detail, string remedy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification hub {Hub} refused a send of ping {PingId} ({Status}: {Detail})")]
    private static partial void LogSendRefused(ILogger logger, string hub, string pingId, int status, string? detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A send of ping {PingId} to notification hub {Hub} failed without an answer from the hub")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string hub, string pingId);
}
