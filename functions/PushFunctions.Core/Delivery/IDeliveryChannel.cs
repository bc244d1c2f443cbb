using PushFunctions.Core.Payloads;

namespace PushFunctions.Core.Delivery;

/// <summary>
/// One way out to devices (Notification Hubs, the RPS relay, the log). A channel gets every send of a ping for the
/// platforms it serves at once, so it can batch; it answers one outcome per send and reports per-device failures as
/// outcomes, not exceptions.
/// </summary>
public interface IDeliveryChannel
{
    string Name { get; }

    bool Serves(Platform platform);

    Task<IReadOnlyList<DeviceOutcome>> SendAsync(IReadOnlyList<DeviceSend> sends, CancellationToken cancellationToken);
}
