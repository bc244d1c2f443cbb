using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace PushFunctions.Relay.Storage.GroupCommit;

/// <summary>
/// Writes the changes of one table partition in group commits: while one entity-group transaction is in flight, the
/// changes that arrive meanwhile gather in the next one (up to 100 rows and about 3 MiB), so one storage operation
/// carries many messages under load and a lone change goes out at once. One transaction in flight per partition keeps the
/// changes of a row in the order they were made. A change is durable when the task <see cref="Upsert"/> or
/// <see cref="Delete"/> returned completes; it fails with the storage error when its transaction fails.
/// </summary>
/// <param name="transactionSlots">
/// Shared by the writers of one table: a transaction waits for a slot before its batch is taken, so while storage is busy
/// every partition's next batch keeps growing instead of more small transactions queueing at storage.
/// </param>
internal sealed partial class PartitionWriter(TableClient table, string partitionKey, SemaphoreSlim transactionSlots, ILogger logger)
{
    private readonly Lock sync = new();
    private readonly Queue<PendingBatch> closed = new();
    private PendingBatch open = new();
    private bool writing;

    public string PartitionKey => partitionKey;

    /// <param name="createsRow">The row has never been written (a new message), so a delete before the write cancels both.</param>
    public Task Upsert(TableEntity entity, bool createsRow, int bytes) =>
        Submit(new PendingOperation(entity.RowKey, entity, createsRow, bytes + PendingOperation.EntityOverheadBytes));

    public Task Delete(string rowKey) => Submit(PendingOperation.Delete(rowKey));

    private Task Submit(PendingOperation operation)
    {
        lock (sync)
        {
            // A row already in the open batch is merged there; otherwise a full batch is closed and a new one opened.
            if (!open.Holds(operation) && !open.HasRoomFor(operation))
            {
                closed.Enqueue(open);
                open = new PendingBatch();
            }

            var committed = open.Add(operation);
            if (!writing)
            {
                writing = true;
                _ = Task.Run(WriteAsync);
            }

            return committed;
        }
    }

    private async Task WriteAsync()
    {
        while (true)
        {
            await transactionSlots.WaitAsync();
            try
            {
                PendingBatch batch;
                lock (sync)
                {
                    if (closed.Count > 0)
                    {
                        batch = closed.Dequeue();
                    }
                    else if (open.HasWaiters)
                    {
                        batch = open;
                        open = new PendingBatch();
                    }
                    else
                    {
                        writing = false;
                        return;
                    }
                }

                await CommitAsync(batch);
            }
            finally
            {
                transactionSlots.Release();
            }
        }
    }

    private async Task CommitAsync(PendingBatch batch)
    {
        if (batch.Operations.Count == 0)
        {
            batch.Complete();
            return;
        }

        try
        {
            // A lone change goes as a single-entity call: cheaper than a transaction of one, in Azure and in Azurite.
            if (batch.Operations.Count == 1)
            {
                await CommitOneByOneAsync(batch);
                return;
            }

            await table.SubmitTransactionAsync(batch.Operations.Select(ToAction).ToList());
            batch.Complete();
        }
        catch (TableTransactionFailedException exception) when (exception.Status == 404)
        {
            // A delete of a row that is not there (its write failed, or an earlier attempt of this transaction committed
            // before its answer was lost) fails the whole transaction: what is wanted is done row by row.
            await CommitOneByOneAsync(batch);
        }
        catch (Exception exception)
        {
            LogCommitFailed(logger, partitionKey, batch.Operations.Count, exception);
            batch.Fail(exception);
        }
    }

    private async Task CommitOneByOneAsync(PendingBatch batch)
    {
        try
        {
            foreach (var operation in batch.Operations)
            {
                if (operation.Upsert is { } entity)
                {
                    await table.UpsertEntityAsync(entity, TableUpdateMode.Replace);
                }
                else
                {
                    await DeleteIfPresentAsync(operation);
                }
            }

            batch.Complete();
        }
        catch (Exception exception)
        {
            LogCommitFailed(logger, partitionKey, batch.Operations.Count, exception);
            batch.Fail(exception);
        }
    }

    private async Task DeleteIfPresentAsync(PendingOperation operation)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, operation.RowKey, ETag.All);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // Already gone is what was wanted.
        }
    }

    private TableTransactionAction ToAction(PendingOperation operation) =>
        operation.Upsert is { } entity
            ? new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity)
            : new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, operation.RowKey), ETag.All);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} relay rows of partition {Partition} failed")]
    private static partial void LogCommitFailed(ILogger logger, string partition, int count, Exception exception);
}
