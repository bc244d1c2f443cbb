using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PushFunctions.Relay.Storage.Log;

/// <summary>
/// Compacts the message log in the background (see <see cref="MessageLog.CompactDueAsync"/>). A hosted service, so it
/// stops before the writer lease is released and never writes after it.
/// </summary>
public sealed partial class LogCompactionService(MessageLog log, TimeProvider timeProvider, ILogger<LogCompactionService> logger) : BackgroundService
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await log.CompactDueAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Storage may be briefly unavailable; the log stays as it was and the next check tries again.
                LogCompactionFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Compacting the relay log failed")]
    private static partial void LogCompactionFailed(ILogger logger, Exception exception);
}
