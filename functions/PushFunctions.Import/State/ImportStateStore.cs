using Azure;
using Azure.Data.Tables;
using PushFunctions.Import.Importing;

namespace PushFunctions.Import.State;

/// <summary>
/// The import's own table, one partition: the lease row (which instance imports now), the checkpoint of an unfinished
/// run, and the summary of the last run. Every write of the lease row is guarded by the version read before it, so of
/// two instances racing for it exactly one wins.
/// </summary>
public sealed class ImportStateStore(TableClient table)
{
    /// <summary>The table's name, after the gateway's <c>Storage__TablePrefix</c>.</summary>
    public const string TableName = "ImportState";

    private const string Partition = "rhoconnect";
    private const string LeaseRow = "lease";
    private const string CheckpointRow = "checkpoint";
    private const string LastRunRow = "last";
    private const string HolderProperty = "Holder";
    private const string ExpiresAtProperty = "ExpiresAt";
    private const string SourceProperty = "Source";
    private const string LastUserDoneProperty = "LastUserDone";
    private const string SummaryProperty = "Summary";

    // A string property holds 32 K UTF-16 units; a summary whose lists would not fit is stored without them.
    private const int MaxSummaryChars = 30_000;

    public TableClient Table => table;

    /// <summary>
    /// Takes the lease for <paramref name="holder"/> when nobody holds it or its holder's time ran out. Returns the
    /// written row when taken; otherwise the current holder's row, untouched.
    /// </summary>
    public async Task<(bool Taken, ImportLeaseRecord Lease)> TryTakeLeaseAsync(
        string holder, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(Partition, LeaseRow) { [HolderProperty] = holder, [ExpiresAtProperty] = now + duration };
        var current = await table.GetEntityIfExistsAsync<TableEntity>(Partition, LeaseRow, cancellationToken: cancellationToken);
        try
        {
            if (!current.HasValue)
            {
                var added = await table.AddEntityAsync(entity, cancellationToken);
                return (true, new ImportLeaseRecord(holder, now + duration, VersionOf(added)));
            }

            var held = Read(current.Value!);
            if (held.ExpiresAt > now && held.Holder != holder)
            {
                return (false, held);
            }

            var updated = await table.UpdateEntityAsync(entity, held.ETag, TableUpdateMode.Replace, cancellationToken);
            return (true, new ImportLeaseRecord(holder, now + duration, VersionOf(updated)));
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another instance wrote the row between our read and our write: it holds the lease.
            var winner = await table.GetEntityIfExistsAsync<TableEntity>(Partition, LeaseRow, cancellationToken: cancellationToken);
            return (false, winner.HasValue ? Read(winner.Value!) : new ImportLeaseRecord("another instance", now + duration, ETag.All));
        }
    }

    /// <summary>Extends a lease this holder has; null when it is no longer the row that was written (someone took it over).</summary>
    public async Task<ImportLeaseRecord?> RenewLeaseAsync(ImportLeaseRecord lease, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var entity = new TableEntity(Partition, LeaseRow) { [HolderProperty] = lease.Holder, [ExpiresAtProperty] = now + duration };
        try
        {
            var updated = await table.UpdateEntityAsync(entity, lease.ETag, TableUpdateMode.Replace, cancellationToken);
            return lease with { ExpiresAt = now + duration, ETag = VersionOf(updated) };
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }

    /// <summary>Gives the lease up, unless someone else holds it by now.</summary>
    public async Task ReleaseLeaseAsync(ImportLeaseRecord lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        try
        {
            await table.DeleteEntityAsync(Partition, LeaseRow, lease.ETag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Taken over after our time ran out: it is the new holder's now.
        }
    }

    public async Task<ImportCheckpoint?> ReadCheckpointAsync(CancellationToken cancellationToken = default)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, CheckpointRow, cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.GetString(SummaryProperty) is { } summary
            ? new ImportCheckpoint(row.Value.GetString(SourceProperty) ?? string.Empty, row.Value.GetString(LastUserDoneProperty) ?? string.Empty, ImportSummaryJson.Deserialize(summary))
            : null;
    }

    public Task SaveCheckpointAsync(ImportCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return table.UpsertEntityAsync(
            new TableEntity(Partition, CheckpointRow)
            {
                [SourceProperty] = checkpoint.Source,
                [LastUserDoneProperty] = checkpoint.LastUserDone,
                [SummaryProperty] = Storable(checkpoint.Progress),
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    public Task DeleteCheckpointAsync(CancellationToken cancellationToken = default) =>
        table.DeleteEntityAsync(Partition, CheckpointRow, ETag.All, cancellationToken);

    /// <summary>The summary of the last run that started (completed, interrupted or failed); null before the first.</summary>
    public async Task<ImportSummary?> ReadLastRunAsync(CancellationToken cancellationToken = default)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(Partition, LastRunRow, [SummaryProperty], cancellationToken);
        return row.HasValue && row.Value!.GetString(SummaryProperty) is { } summary ? ImportSummaryJson.Deserialize(summary) : null;
    }

    public Task SaveLastRunAsync(ImportSummary summary, CancellationToken cancellationToken = default) =>
        table.UpsertEntityAsync(new TableEntity(Partition, LastRunRow) { [SummaryProperty] = Storable(summary) }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>The version a write produced: the lease's next guarded write needs it.</summary>
    private static ETag VersionOf(Response response) =>
        response.Headers.ETag ?? throw new InvalidOperationException("Table storage answered a write without an ETag.");

    private static ImportLeaseRecord Read(TableEntity row) =>
        new(row.GetString(HolderProperty) ?? string.Empty, row.GetDateTimeOffset(ExpiresAtProperty) ?? DateTimeOffset.MinValue, row.ETag);

    private static string Storable(ImportSummary summary)
    {
        var json = ImportSummaryJson.Serialize(summary);
        return json.Length <= MaxSummaryChars ? json : ImportSummaryJson.Serialize(summary with { SkippedItems = [], ErrorItems = [] });
    }
}
