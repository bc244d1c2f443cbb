using PushFunctions.Azure.NotificationHubs;
using PushFunctions.Core.Pings;
using PushFunctions.Core.Registrations;

namespace PushFunctions.Gateway.Channels.NotificationHubs;

/// <summary>A notification a hub accepted, whose telemetry is awaited: the registrations it went to, as they were read for the send.</summary>
internal sealed record FollowedNotification(
    NotificationHubClient Hub, PingId Ping, string NotificationId, IReadOnlyList<ClientRegistration> Clients, DateTimeOffset SentAt);
