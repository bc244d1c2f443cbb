using Azure;
using Azure.Data.Tables;

namespace PushFunctions.Azure.Stores;

/// <summary>
/// Entity-group transactions: up to 100 operations on rows of one partition in one storage operation (one request, one
/// billed transaction).
/// </summary>
public static class TableTransactions
{
    /// <summary>The most entities one transaction may hold.</summary>
    public const int MaxEntities = 100;

    /// <summary>
    /// Deletes <paramref name="rows"/>, all of one partition, unconditionally, 100 to a transaction. A transaction is all
    /// or nothing, so one row already gone (deleted by another pass, or by this transaction's own earlier attempt whose
    /// answer was lost) fails it with 404; its rows are then deleted one by one, where a missing row is not an error.
    /// Either way every row is gone when this completes.
    /// </summary>
    public static async Task DeleteRowsAsync(this TableClient table, IEnumerable<ITableEntity> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var chunk in rows.Chunk(MaxEntities))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All)), cancellationToken);
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
                foreach (var row in chunk)
                {
                    await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                }
            }
        }
    }
}
