using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Hosting;

namespace PushFunctions.Gateway.Import;

/// <summary>
/// The standalone gateway's schedule (no Functions host, so no timer function): an import at start, then one every
/// <see cref="RhoConnectOptions.ImportInterval"/>. A run that outlasts the interval delays the next, never overlaps it.
/// </summary>
public sealed partial class ScheduledImportService(
    ScheduledImport import, StorageInitializer storage, IOptions<RhoConnectOptions> options, TimeProvider time, ILogger<ScheduledImportService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ImportInterval, time);
        try
        {
            // The gateway's tables are created once the server listens; the first run writes to them.
            await storage.FirstAttempt.WaitAsync(stoppingToken);
            do
            {
                try
                {
                    await import.RunAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Storage failed before the run could start (the lease, the table): the next tick tries again.
                    LogRunFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a run in progress recorded its checkpoint; the next start continues from it.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The scheduled RhoConnect import could not run; it tries again at the next interval")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}
