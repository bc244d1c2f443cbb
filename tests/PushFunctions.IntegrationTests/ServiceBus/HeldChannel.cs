using Microsoft.Extensions.Logging;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;
using PushFunctions.Gateway.Channels;

namespace PushFunctions.IntegrationTests.ServiceBus;

/// <summary>A WNS channel whose sends wait until the test lets them go, to keep a delivery running as long as it likes.</summary>
internal sealed class HeldChannel(ILogger<HeldChannel> logger) : PerDeviceChannel(logger)
{
    private int _sends;

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Sends started, held or done.</summary>
    public int Sends => Volatile.Read(ref _sends);

    public override string Name => "held";

    public override bool Serves(Platform platform) => platform == Platform.Wns;

    protected override async Task<DeviceOutcome> SendOneAsync(DeviceSend send, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sends);
        await Release.Task.WaitAsync(cancellationToken);
        return send.Outcome(OutcomeStatus.Sent);
    }
}
