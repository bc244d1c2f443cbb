using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PushFunctions.Relay.Configuration;
using PushFunctions.Relay.Devices;

namespace PushFunctions.Relay.Expiry;

/// <summary>
/// Removes instances (with their registrations and queues) without device activity for the registration lifetime, and
/// messages older than the message lifetime. Access already treats such instances as gone (and a poll drops such
/// messages); the sweep frees their memory and storage.
/// </summary>
public sealed partial class ExpirySweepService(
    DeviceDirectory directory,
    TimeProvider timeProvider,
    IOptions<RelayOptions> options,
    ILogger<ExpirySweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpirySweepInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var (instances, messages) = await directory.SweepExpiredAsync(stoppingToken);
                if (instances + messages > 0)
                {
                    LogSwept(logger, instances, messages);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Storage may be briefly unavailable; the next sweep tries again.
                LogSweepFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Instances} expired device instances and {Messages} expired messages")]
    private static partial void LogSwept(ILogger logger, int instances, int messages);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Expiry sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
