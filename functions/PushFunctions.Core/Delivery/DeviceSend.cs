using PushFunctions.Core.FanOut;
using PushFunctions.Core.Payloads;

namespace PushFunctions.Core.Delivery;

/// <summary>A payload ready to go to one target.</summary>
public sealed record DeviceSend(DeliveryTarget Target, PlatformPayload Payload)
{
    public DeviceOutcome Outcome(OutcomeStatus status, string? reason = null, string? notificationId = null) =>
        new(Target.OutcomeKey, Target.Client.UserId, Target.Client.ClientId, Target.Platform, status, reason, notificationId);
}
