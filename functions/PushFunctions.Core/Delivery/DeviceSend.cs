using PushFunctions.Core.FanOut;
using PushFunctions.Core.Payloads;

namespace PushFunctions.Core.Delivery;

/// <summary>A payload ready to go to one target.</summary>
public sealed record DeviceSend(DeliveryTarget Target, PlatformPayload Payload)
{
    public DeviceOutcome Outcome(OutcomeStatus status, string? reason = null, string? notificationId = null) =>
        Target.Outcome(status, reason, notificationId);
}
