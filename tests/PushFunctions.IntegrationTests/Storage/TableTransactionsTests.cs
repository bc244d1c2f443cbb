using Azure.Core;
using Azure.Data.Tables;
using PushFunctions.Azure.Stores;
using PushFunctions.Testing;

namespace PushFunctions.IntegrationTests.Storage;

/// <summary>Deleting many rows of a partition in entity-group transactions, on Azurite.</summary>
public sealed class TableTransactionsTests : IAsyncLifetime
{
    private const string Partition = "log0";
    private readonly string tableName = AzuriteEnvironment.NewTableName("transactions");
    private readonly RequestCountingPolicy counter = new();
    private TableClient table = null!;

    public async Task InitializeAsync()
    {
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        table = new TableClient(AzuriteEnvironment.ConnectionString, tableName, options);
        await table.CreateIfNotExistsAsync();
    }

    public Task DisposeAsync() => table.DeleteAsync();

    [Fact]
    public async Task Rows_of_one_partition_are_deleted_a_hundred_to_a_storage_operation()
    {
        var rows = await AddRowsAsync(250);
        var before = counter.Requests;

        await table.DeleteRowsAsync(rows);

        Assert.Equal(3, counter.Requests - before);
        Assert.Empty(table.Query<TableEntity>());
    }

    [Fact]
    public async Task Rows_already_gone_do_not_keep_the_others_of_their_transaction_from_being_deleted()
    {
        var rows = await AddRowsAsync(150);
        await table.DeleteEntityAsync(Partition, rows[5].RowKey);
        await table.DeleteEntityAsync(Partition, rows[120].RowKey);

        await table.DeleteRowsAsync(rows);

        Assert.Empty(table.Query<TableEntity>());
    }

    private async Task<TableEntity[]> AddRowsAsync(int count)
    {
        var rows = Enumerable.Range(0, count).Select(index => new TableEntity(Partition, index.ToString("D19", System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        foreach (var chunk in rows.Chunk(TableTransactions.MaxEntities))
        {
            await table.SubmitTransactionAsync(chunk.Select(row => new TableTransactionAction(TableTransactionActionType.Add, row)));
        }

        Assert.Equal(count, table.Query<TableEntity>().Count());
        return rows;
    }
}
