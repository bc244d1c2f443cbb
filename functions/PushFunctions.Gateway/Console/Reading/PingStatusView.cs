using PushFunctions.Core.Delivery;
using PushFunctions.Core.Status;

namespace PushFunctions.Gateway.Console.Reading;

/// <summary>A ping's status as a page shows it: some of its devices (a page of them), and whether the page's script keeps it up to date.</summary>
public sealed record PingStatusView(PingStatus Status, bool Live, int Skip = 0, int Take = PingStatusView.DevicesPerPage)
{
    public const int DevicesPerPage = 500;

    public IEnumerable<DeviceOutcome> Devices => Status.Devices.Skip(Skip).Take(Take);

    public bool IsFinal => Status.State is PingState.Done or PingState.Failed or PingState.Rejected;
}
