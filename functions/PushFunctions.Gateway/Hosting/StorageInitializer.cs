using PushFunctions.Azure.Stores;
using PushFunctions.Gateway.Queueing;

namespace PushFunctions.Gateway.Hosting;

/// <summary>
/// Creates the tables, the envelope container and the queue before the app takes traffic. If storage is down at start-up the app still
/// starts (it answers 503 until storage is back) and creation is retried in the background.
/// </summary>
public sealed partial class StorageInitializer(
    UserStore users, RegistrationStore registrations, PingStatusStore pings, IPingQueue queue, ILogger<StorageInitializer> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Bounded: a storage endpoint that accepts connections but does not answer must not hold up start-up.
        using var firstTry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        firstTry.CancelAfter(TimeSpan.FromSeconds(10));
        if (!await TryCreateAsync(firstTry.Token))
        {
            _ = RetryAsync();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await _stopping.CancelAsync();

    public void Dispose() => _stopping.Dispose();

    private async Task RetryAsync()
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (await TryCreateAsync(_stopping.Token))
            {
                return;
            }

            delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 60));
        }
    }

    private async Task<bool> TryCreateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(
                users.Table.CreateIfNotExistsAsync(cancellationToken),
                registrations.IndexTable.CreateIfNotExistsAsync(cancellationToken),
                pings.Table.CreateIfNotExistsAsync(cancellationToken),
                pings.Envelopes.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
                queue.EnsureExistsAsync(cancellationToken));
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            LogStorageUnavailable(logger, e);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage is not reachable; tables, container and queue will be created when it is")]
    private static partial void LogStorageUnavailable(ILogger logger, Exception exception);
}
