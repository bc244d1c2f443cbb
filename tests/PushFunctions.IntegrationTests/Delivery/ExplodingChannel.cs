using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;
using PushFunctions.Gateway.Channels;

namespace PushFunctions.IntegrationTests.Delivery;

/// <summary>A WNS channel whose send throws for one handle and records the others, to prove one device cannot block the rest.</summary>
internal sealed class ExplodingChannel : PerDeviceChannel
{
    public const string ExplodingHandle = "explode";

    public List<string> SentHandles { get; } = [];

    public override string Name => "exploding";

    public override bool Serves(Platform platform) => platform == Platform.Wns;

    protected override Task<DeviceOutcome> SendOneAsync(DeviceSend send, CancellationToken cancellationToken)
    {
        if (send.Target.Handle == ExplodingHandle)
        {
            throw new InvalidOperationException("the handle exploded");
        }

        lock (SentHandles)
        {
            SentHandles.Add(send.Target.Handle);
        }

        return Task.FromResult(send.Outcome(OutcomeStatus.Sent));
    }
}
