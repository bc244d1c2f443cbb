using Microsoft.Extensions.Logging;
using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;
using PushFunctions.Gateway.Channels;

namespace PushFunctions.IntegrationTests.Delivery;

/// <summary>
/// A WNS channel whose send throws for one handle and records the others, to prove one device cannot block the rest.
/// The exception goes to the log under the ping's id; its message must not reach the ping status.
/// </summary>
internal sealed class ExplodingChannel(ILogger<ExplodingChannel> logger) : PerDeviceChannel(logger)
{
    public const string ExplodingHandle = "wns-handle-that-throws";
    public const string ExplosionMessage = "the handle exploded";

    public List<string> SentHandles { get; } = [];

    public override string Name => "exploding";

    public override bool Serves(Platform platform) => platform == Platform.Wns;

    protected override Task<DeviceOutcome> SendOneAsync(DeviceSend send, CancellationToken cancellationToken)
    {
        if (send.Target.Handle == ExplodingHandle)
        {
            throw new InvalidOperationException(ExplosionMessage);
        }

        lock (SentHandles)
        {
            SentHandles.Add(send.Target.Handle);
        }

        return Task.FromResult(send.Outcome(OutcomeStatus.Sent));
    }
}
