using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PushFunctions.Relay.Configuration;
using PushFunctions.Relay.Devices;

namespace PushFunctions.Relay.Expiry;

/// <summary>
/// Removes instances (with their registrations and queues) without device activity for the registration lifetime.
/// Access already treats them as gone; the sweep frees their memory and storage.
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
                var removed = await directory.SweepExpiredAsync(stoppingToken);
                if (removed > 0)
                {
                    LogSwept(logger, removed);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Storage may be briefly unavailable; the next sweep tries again.
                LogSweepFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} expired device instances")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Expiry sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
