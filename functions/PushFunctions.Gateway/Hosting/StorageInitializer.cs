using PushFunctions.Azure.Stores;
using PushFunctions.Gateway.Queueing;

namespace PushFunctions.Gateway.Hosting;

/// <summary>
/// Creates the tables, the envelope container and the queue once the server listens, not before: a cold start answers its liveness probe (the
/// Functions host's readiness check) without first paying for the storage round trips and the HTTP stack's first use
/// (in Azure, a managed-identity token too). Requests that use storage wait for that first attempt
/// (<see cref="FirstAttempt"/>, at most 10 s). If storage is down at start-up the app still serves (it answers 503
/// until storage is back) and creation is retried in the background.
/// </summary>
public sealed partial class StorageInitializer(
    UserStore users,
    RegistrationStore registrations,
    PingStatusStore pings,
    IPingQueue queue,
    IHostApplicationLifetime lifetime,
    ILogger<StorageInitializer> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first attempt to create the tables and the queue has ended, whichever way.</summary>
    public Task FirstAttempt => _firstAttempt.Task;

    /// <summary>Completes once the tables and the queue exist (the in-process consumer waits for it before it reads).</summary>
    public Task Created => _created.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
        {
            // Bounded: a storage endpoint that accepts connections but does not answer must not hold up requests.
            using var firstTry = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            firstTry.CancelAfter(TimeSpan.FromSeconds(10));
            var created = false;
            try
            {
                created = await TryCreateAsync(firstTry.Token);
            }
            finally
            {
                _firstAttempt.TrySetResult();
            }

            if (!created)
            {
                await RetryAsync();
            }
        }, CancellationToken.None));
        return Task.CompletedTask;
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
            _created.TrySetResult();
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
