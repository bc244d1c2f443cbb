using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PushFunctions.Relay.Configuration;

namespace PushFunctions.Relay.Storage;

/// <summary>
/// One relay process per set of tables: its index lives in memory, so a second writer would silently lose or resurrect
/// messages. The holder keeps a row in <c>{prefix}Instances</c> with an expiry, renewed every quarter of
/// <see cref="RelayOptions.LeaseDuration"/> under the row's ETag, and deletes it when it stops. A relay that finds the row
/// held waits for one renewal: renewed means a live holder, and the start fails naming it; not renewed until its expiry
/// means a crashed holder, and the lease is taken over. A holder that loses its lease, or cannot renew it before it
/// expires, stops the process rather than write beside another relay.
/// </summary>
public sealed partial class WriterLease(
    TableRelayStore store,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    IOptions<RelayOptions> options,
    ILogger<WriterLease> logger) : IHostedLifecycleService, IDisposable
{
    public const string PartitionKey = "relay-writer-lease";

    private const string HolderProperty = "Holder";
    private const string ExpiresProperty = "Expires";

    private readonly string holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly TimeSpan duration = options.Value.LeaseDuration;
    private readonly CancellationTokenSource stopping = new();
    private ETag etag;
    private DateTimeOffset renewedAt;
    private Task renewing = Task.CompletedTask;

    private TableClient Table => store.InstancesTable;

    private TimeSpan RenewInterval => duration / 4;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        await AcquireAsync(cancellationToken);
        renewing = RenewAsync(stopping.Token);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Held until the server and every other service have stopped, so no write of this relay follows the release.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await renewing;
        try
        {
            // Released, so a relay started right after this one need not wait for the expiry.
            await Table.DeleteEntityAsync(PartitionKey, "", etag, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogReleaseFailed(logger, exception);
        }
    }

    public void Dispose() => stopping.Dispose();

    private async Task AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, "", cancellationToken: cancellationToken);
            if (!current.HasValue)
            {
                try
                {
                    etag = (await Table.AddEntityAsync(LeaseRow(), cancellationToken)).Headers.ETag ?? ETag.All;
                    renewedAt = timeProvider.GetUtcNow();
                    return;
                }
                catch (RequestFailedException exception) when (exception.Status == 409)
                {
                    continue;
                }
            }

            var row = current.Value!;
            if (row.GetString(HolderProperty) == holder)
            {
                // This relay's own add, retried after its answer was lost.
                (etag, renewedAt) = (row.ETag, timeProvider.GetUtcNow());
                return;
            }

            var expires = row.GetDateTimeOffset(ExpiresProperty) ?? DateTimeOffset.MinValue;
            if (expires > timeProvider.GetUtcNow())
            {
                // Held: a live holder renews within a quarter of the duration; a crashed one does not.
                var wait = Min(expires - timeProvider.GetUtcNow(), RenewInterval + TimeSpan.FromSeconds(1));
                await Task.Delay(wait, timeProvider, cancellationToken);
                var again = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, "", cancellationToken: cancellationToken);
                if (again.HasValue && again.Value!.ETag != row.ETag)
                {
                    throw new InvalidOperationException(
                        $"Another relay ({again.Value.GetString(HolderProperty)}) is writing to the tables {store.InstancesTable.Name[..^"Instances".Length]}*: " +
                        "run one relay process per set of tables (Relay:TablePrefix), or stop the other one first.");
                }

                continue;
            }

            try
            {
                etag = (await Table.UpdateEntityAsync(LeaseRow(), row.ETag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag ?? ETag.All;
                renewedAt = timeProvider.GetUtcNow();
                LogTakenOver(logger, row.GetString(HolderProperty) ?? "");
                return;
            }
            catch (RequestFailedException exception) when (exception.Status is 404 or 412)
            {
                // Someone else moved first: look again.
            }
        }
    }

    private async Task RenewAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RenewInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (await RenewOnceAsync(stoppingToken) is not { } renewed)
                    {
                        LogLost(logger);
                        lifetime.StopApplication();
                        return;
                    }

                    (etag, renewedAt) = (renewed, timeProvider.GetUtcNow());
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogRenewFailed(logger, exception);
                    if (timeProvider.GetUtcNow() - renewedAt >= duration - RenewInterval)
                    {
                        LogExpiring(logger);
                        lifetime.StopApplication();
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the lease is released by StopAsync.
        }
    }

    /// <summary>The renewed lease's ETag, or null when another relay holds the row now.</summary>
    private async Task<ETag?> RenewOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await Table.UpdateEntityAsync(LeaseRow(), etag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag ?? ETag.All;
        }
        catch (RequestFailedException exception) when (exception.Status is 404 or 412)
        {
            // A renewal retried after its answer was lost finds its own first attempt's ETag: still ours.
            var current = await Table.GetEntityIfExistsAsync<TableEntity>(PartitionKey, "", cancellationToken: cancellationToken);
            return current.HasValue && current.Value!.GetString(HolderProperty) == holder ? current.Value.ETag : null;
        }
    }

    private TableEntity LeaseRow() => new(PartitionKey, "")
    {
        [HolderProperty] = holder,
        [ExpiresProperty] = timeProvider.GetUtcNow() + duration,
    };

    private static TimeSpan Min(TimeSpan first, TimeSpan second) => first < second ? first : second;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Took over the writer lease of {Holder}, which had expired (that relay stopped without releasing it)")]
    private static partial void LogTakenOver(ILogger logger, string holder);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Another relay took the writer lease: stopping, so that two relays never write the same tables")]
    private static partial void LogLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the writer lease failed; retrying")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The writer lease could not be renewed before it expires: stopping, so that a second relay cannot write beside this one")]
    private static partial void LogExpiring(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing the writer lease failed; it expires by itself")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
