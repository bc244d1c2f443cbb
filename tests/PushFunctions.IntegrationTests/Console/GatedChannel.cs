using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;
using PushFunctions.Gateway.Channels;

namespace PushFunctions.IntegrationTests.Console;

/// <summary>The log channel, holding each send until the test opens the gate: the page is seen before the outcome exists.</summary>
internal sealed class GatedChannel(LogChannel log, Task gate) : IDeliveryChannel
{
    public string Name => log.Name;

    public bool Serves(Platform platform) => log.Serves(platform);

    public async Task<IReadOnlyList<DeviceOutcome>> SendAsync(IReadOnlyList<DeviceSend> sends, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        return await log.SendAsync(sends, cancellationToken);
    }
}
