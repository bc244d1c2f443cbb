using Azure.Data.Tables;

namespace PushFunctions.LoadGenerator;

/// <summary>
/// Counts the message rows the relay has stored for a set of instances, reading its message table directly: the check
/// that every message the relay answered 204 is durable. A message row's key ends in its 19-digit id; its instance is the
/// partition key (rows of one instance per partition) or the row key before that id (rows grouped by partition shard).
/// </summary>
public static class StoredMessageCount
{
    private const int IdDigits = 19;

    public static async Task<long> CountAsync(string connectionString, string table, IReadOnlySet<string> instances, CancellationToken cancellationToken)
    {
        var client = new TableClient(connectionString, table);
        var count = 0L;
        await foreach (var entity in client.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            var rowKey = entity.RowKey;
            if (rowKey.Length < IdDigits || rowKey.AsSpan(rowKey.Length - IdDigits).ContainsAnyExceptInRange('0', '9'))
            {
                continue;
            }

            var instance = rowKey.Length == IdDigits ? entity.PartitionKey : rowKey[..(rowKey.Length - IdDigits - 1)];
            if (instances.Contains(instance))
            {
                count++;
            }
        }

        return count;
    }
}
