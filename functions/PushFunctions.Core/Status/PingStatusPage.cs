namespace PushFunctions.Core.Status;

/// <summary>
/// A ping's status with one page of its devices: <see cref="PingStatus.Devices"/> of <see cref="Status"/> holds that
/// page only, <see cref="Counts"/> counts every recorded device, and <see cref="Continuation"/> (opaque) reads the next
/// page, or is null on the last one.
/// </summary>
public sealed record PingStatusPage(PingStatus Status, OutcomeCounts Counts, string? Continuation);
