using PushFunctions.Core.Delivery;

namespace PushFunctions.Core.Status;

/// <summary>What GET /rc/v1/pings/{id} reports: the ping's state and every candidate device's recorded outcome.</summary>
public sealed record PingStatus(
    string PingId,
    PingState State,
    DateTimeOffset AcceptedAt,
    int UserCount,
    int Attempts,
    string? Error,
    IReadOnlyList<DeviceOutcome> Devices)
{
    public int Count(OutcomeStatus status) => Devices.Count(d => d.Status == status);
}
