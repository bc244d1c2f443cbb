using Microsoft.Extensions.Logging;

namespace PushFunctions.Import.State;

/// <summary>
/// The right to import, held by one process at a time through the lease row of <see cref="ImportStateStore"/>, and
/// renewed while the run lasts. If a renewal finds the row taken over (this process stalled past the lease's end),
/// <see cref="Lost"/> is cancelled so the run stops before two imports write at once.
/// </summary>
public sealed partial class ImportLease : IAsyncDisposable
{
    /// <summary>How long a lease lasts without renewal: a crashed holder blocks the next run at most this long.</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);

    private readonly ImportStateStore _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;
    private ImportLeaseRecord _record;

    private ImportLease(ImportStateStore state, ImportLeaseRecord record, TimeProvider time, ILogger logger)
    {
        _state = state;
        _record = record;
        _time = time;
        _logger = logger;
        _renewing = RenewAsync();
    }

    /// <summary>Cancelled when another process has taken the lease over.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>The lease, or null and who holds it until when.</summary>
    public static async Task<(ImportLease? Lease, ImportLeaseRecord Current)> TryTakeAsync(
        ImportStateStore state, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(time);
        var holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        var (taken, current) = await state.TryTakeLeaseAsync(holder, time.GetUtcNow(), Duration, cancellationToken);
        return (taken ? new ImportLease(state, current, time, logger) : null, current);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        if (!_lost.IsCancellationRequested)
        {
            // Bounded: storage that does not answer only delays the next run until the lease runs out.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _state.ReleaseLeaseAsync(_record, timeout.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || timeout.IsCancellationRequested)
            {
                LogReleaseFailed(_logger, e);
            }
        }

        _stop.Dispose();
        _lost.Dispose();
    }

    private async Task RenewAsync()
    {
        using var timer = new PeriodicTimer(Duration / 3, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    var renewed = await _state.RenewLeaseAsync(_record, _time.GetUtcNow(), Duration, _stop.Token);
                    if (renewed is null)
                    {
                        LogLost(_logger);
                        await _lost.CancelAsync();
                        return;
                    }

                    _record = renewed;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Storage did not answer: the lease holds until its end, and another renewal may still make it.
                    if (_time.GetUtcNow() >= _record.ExpiresAt)
                    {
                        LogLost(_logger);
                        await _lost.CancelAsync();
                        return;
                    }

                    LogRenewalFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed: the run is over.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The import lease could not be renewed; retrying until it runs out")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The import lease was lost to another instance; this import stops")]
    private static partial void LogLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The import lease could not be released; the next run waits until it runs out")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
