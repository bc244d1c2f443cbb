using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;

namespace PushFunctions.Gateway.Channels;

/// <summary>
/// A channel that sends device by device. One device's failure, even an exception, becomes that device's outcome
/// and never stops the others; the exception is logged under the ping's id, and the outcome gets a fixed reason.
/// </summary>
public abstract partial class PerDeviceChannel(ILogger logger) : IDeliveryChannel
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
                    LogSendFailed(logger, e, Name, sends[i].Ping.ToString(), sends[i].Target.Client.ClientId);
                    outcomes[i] = sends[i].Outcome(OutcomeStatus.Failed, OutcomeReasons.ChannelError(Name));
                }
            });
        return outcomes;
    }

    protected abstract Task<DeviceOutcome> SendOneAsync(DeviceSend send, CancellationToken cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Channel} channel failed to send ping {PingId} to client {ClientId}")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string channel, string pingId, string clientId);
}
