using PushFunctions.Core.Payloads;

namespace PushFunctions.Core.Delivery;

/// <summary>
/// The recorded end of one candidate of a ping. <see cref="Key"/> identifies the candidate within the ping
/// ("c:{client id}", or "u:{user}" for a user without clients), so a redelivered ping skips what is already recorded.
/// </summary>
public sealed record DeviceOutcome(
    string Key,
    string UserId,
    string? ClientId,
    Platform? Platform,
    OutcomeStatus Status,
    string? Reason = null,
    string? NotificationId = null)
{
    public static string ClientKey(string clientId) => "c:" + clientId;

    public static string UserKey(string userId) => "u:" + userId;
}
