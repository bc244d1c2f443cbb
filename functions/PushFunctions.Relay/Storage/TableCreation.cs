using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;

namespace PushFunctions.Relay.Storage;

/// <summary>Creates the relay's tables when they are missing.</summary>
public static class TableCreation
{
    /// <summary>
    /// What <see cref="TableClient.CreateIfNotExistsAsync"/> does, by calls a Native AOT relay can make: that method
    /// serializes its request body with reflection-based System.Text.Json (<c>RequestContent.Create(object)</c>), which the
    /// trimmed, AOT-compiled relay does not have, while the table query and <see cref="TableServiceClient.CreateTableAsync"/>
    /// use the library's generated serializers. Asking first keeps an existing table (every start but the first) from
    /// being answered 409, which Azure.Core would log as an error response.
    /// </summary>
    public static async Task CreateTableIfMissingAsync(this TableServiceClient service, string tableName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var filter = TableServiceClient.CreateQueryFilter($"TableName eq {tableName}");
        await foreach (var _ in service.QueryAsync(filter, maxPerPage: 1, cancellationToken))
        {
            return;
        }

        try
        {
            await service.CreateTableAsync(tableName, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 409 && exception.ErrorCode == TableErrorCode.TableAlreadyExists)
        {
            // Another process created it between the query and the creation; a table being deleted is still an error.
        }
    }
}
