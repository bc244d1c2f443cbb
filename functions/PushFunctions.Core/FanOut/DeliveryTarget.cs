using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;
using PushFunctions.Core.Registrations;

namespace PushFunctions.Core.FanOut;

/// <summary>A device a ping must be sent to: the client, the platform it resolved to, and its handle (device_pin).</summary>
public sealed record DeliveryTarget(ClientRegistration Client, Platform Platform)
{
    public string Handle => Client.DevicePin!;

    public string OutcomeKey => DeviceOutcome.ClientKey(Client.ClientId);

    public DeviceOutcome Outcome(OutcomeStatus status, string? reason = null, string? notificationId = null) =>
        new(OutcomeKey, Client.UserId, Client.ClientId, Platform, status, reason, notificationId);
}
