using PushFunctions.Core.Delivery;

namespace PushFunctions.Core.FanOut;

/// <summary>The devices to send a ping to, and the outcome of every candidate that will not be sent.</summary>
public sealed record FanOutPlan(IReadOnlyList<DeliveryTarget> Targets, IReadOnlyList<DeviceOutcome> Skipped);
