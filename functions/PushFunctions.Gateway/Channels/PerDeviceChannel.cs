using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;

namespace PushFunctions.Gateway.Channels;

/// <summary>
/// A channel that sends device by device. One device's failure, even an exception, becomes that device's outcome
/// and never stops the others.
/// </summary>
public abstract class PerDeviceChannel : IDeliveryChannel
{
    public abstract string Name { get; }

    /// <summary>Sends in flight at once for one ping.</summary>
    protected virtual int Parallelism => 16;

    public abstract bool Serves(Platform platform);

    public async Task<IReadOnlyList<DeviceOutcome>> SendAsync(IReadOnlyList<DeviceSend> sends, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sends);
        var outcomes = new DeviceOutcome[sends.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, sends.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                try
                {
                    outcomes[i] = await SendOneAsync(sends[i], token);
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    outcomes[i] = sends[i].Outcome(OutcomeStatus.Failed, $"{Name} channel error: {e.Message}");
                }
            });
        return outcomes;
    }

    protected abstract Task<DeviceOutcome> SendOneAsync(DeviceSend send, CancellationToken cancellationToken);
}
