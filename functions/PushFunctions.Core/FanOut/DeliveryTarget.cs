using PushFunctions.Core.Payloads;
using PushFunctions.Core.Registrations;

namespace PushFunctions.Core.FanOut;

/// <summary>A device a ping must be sent to: the client, the platform it resolved to, and its handle (device_pin).</summary>
public sealed record DeliveryTarget(ClientRegistration Client, Platform Platform)
{
    public string Handle => Client.DevicePin!;

    public string OutcomeKey => Delivery.DeviceOutcome.ClientKey(Client.ClientId);
}
