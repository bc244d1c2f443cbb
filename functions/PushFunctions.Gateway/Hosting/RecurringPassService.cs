namespace PushFunctions.Gateway.Hosting;

/// <summary>
/// A standalone gateway's stand-in for a timer function (there is no Functions host to trigger one): a pass once
/// <see cref="Ready"/> completes, then one every interval. A pass that outlasts the interval delays the next, never
/// overlaps it; a pass that fails is logged and the next tick tries again, so one storage outage does not end the schedule.
/// </summary>
public abstract partial class RecurringPassService(TimeSpan interval, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>What the first pass waits for (the storage it works on).</summary>
    protected abstract Task Ready { get; }

    /// <summary>The pass, as its timer function runs it under the host; named in the log line of a failed pass.</summary>
    protected abstract string PassName { get; }

    protected abstract Task RunPassAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Ready.WaitAsync(stoppingToken);
            // Started after the wait, so a slow start does not leave a tick pending for a second pass at once.
            using var timer = new PeriodicTimer(interval, time);
            do
            {
                try
                {
                    await RunPassAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogPassFailed(logger, PassName, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: a pass cut short leaves nothing half-done that the next start does not pick up again.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Pass} failed; it runs again at the next interval")]
    private static partial void LogPassFailed(ILogger logger, string pass, Exception exception);
}
