using PushFunctions.Core.FanOut;
using PushFunctions.Core.Payloads;
using PushFunctions.Core.Pings;

namespace PushFunctions.Core.Delivery;

/// <summary>A payload of one ping ready to go to one target; the ping id is what every log line about the send names.</summary>
public sealed record DeviceSend(PingId Ping, DeliveryTarget Target, PlatformPayload Payload)
{
    public DeviceOutcome Outcome(OutcomeStatus status, string? reason = null, string? notificationId = null) =>
        Target.Outcome(status, reason, notificationId);
}
