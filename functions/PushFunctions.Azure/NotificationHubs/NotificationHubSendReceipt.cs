namespace PushFunctions.Azure.NotificationHubs;

/// <summary>What the hub answers to an accepted send.</summary>
/// <param name="NotificationId">The notification message id from the Location header; null on tiers that do not give one (Free, Basic).</param>
/// <param name="TrackingId">The TrackingId header, which Azure support asks for when a send is investigated.</param>
public sealed record NotificationHubSendReceipt(string? NotificationId, string? TrackingId);
