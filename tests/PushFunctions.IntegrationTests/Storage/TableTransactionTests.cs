using Azure;
using PushFunctions.Azure.Tables;
using PushFunctions.Testing;

namespace PushFunctions.IntegrationTests.Storage;

public sealed class TableTransactionTests : IAsyncLifetime
{
    private readonly TableClient _table = new(AzuriteEnvironment.ConnectionString, AzuriteEnvironment.NewTableName("batch"));

    public Task InitializeAsync() => _table.CreateIfNotExistsAsync();

    public Task DisposeAsync() => _table.DeleteAsync();

    [Fact]
    public async Task A_transaction_applies_every_kind_of_action_and_answers_each_in_order()
    {
        await _table.AddEntityAsync(new TableEntity("p", "merge") { ["Kept"] = "yes", ["Count"] = 1 });
        await _table.AddEntityAsync(new TableEntity("p", "replace") { ["Dropped"] = "yes" });
        await _table.AddEntityAsync(new TableEntity("p", "delete"));
        ETag mergeETag = (await _table.GetEntityAsync("p", "merge")).Value.ETag;

        Response<IReadOnlyList<Response>> result = await _table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "added") { ["Name"] = "new" }),
            new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity("p", "merge") { ["Count"] = 2 }, mergeETag),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "replace") { ["Fresh"] = true }),
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p", "delete")),
            new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity("p", "upsert-merge") { ["Value"] = 1L }),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "upsert-replace") { ["Value"] = 2.5 }),
        ]);

        Assert.Equal(202, result.GetRawResponse().Status);
        Assert.Equal(6, result.Value.Count);
        Assert.All(result.Value, action => Assert.Equal(204, action.Status));
        Assert.Equal("new", (await _table.GetEntityAsync("p", "added")).Value.GetString("Name"));
        TableEntity merged = (await _table.GetEntityAsync("p", "merge")).Value;
        Assert.Equal(("yes", 2), (merged.GetString("Kept"), merged.GetInt32("Count")));
        TableEntity replaced = (await _table.GetEntityAsync("p", "replace")).Value;
        Assert.Equal((false, true), (replaced.ContainsKey("Dropped"), replaced.GetBoolean("Fresh")!.Value));
        Assert.False((await _table.GetEntityIfExistsAsync("p", "delete")).HasValue);
        Assert.Equal(1L, (await _table.GetEntityAsync("p", "upsert-merge")).Value["Value"]);
        Assert.Equal(2.5, (await _table.GetEntityAsync("p", "upsert-replace")).Value["Value"]);
    }

    [Fact]
    public async Task A_failing_action_fails_the_transaction_names_its_index_and_changes_nothing()
    {
        await _table.AddEntityAsync(new TableEntity("p", "existing"));

        var failure = await Assert.ThrowsAsync<TableTransactionFailedException>(() => _table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "a")),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "b")),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "existing")),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "c")),
        ]));

        Assert.Equal(409, failure.Status);
        Assert.Equal("EntityAlreadyExists", failure.ErrorCode);
        Assert.Equal(2, failure.FailedTransactionActionIndex);
        Assert.False((await _table.GetEntityIfExistsAsync("p", "a")).HasValue);
        Assert.False((await _table.GetEntityIfExistsAsync("p", "c")).HasValue);
    }

    [Fact]
    public async Task A_stale_etag_in_a_transaction_fails_it_with_412_at_that_action()
    {
        await _table.AddEntityAsync(new TableEntity("p", "r") { ["Count"] = 1 });
        ETag stale = (await _table.GetEntityAsync("p", "r")).Value.ETag;
        await _table.UpsertEntityAsync(new TableEntity("p", "r") { ["Count"] = 2 });

        var failure = await Assert.ThrowsAsync<TableTransactionFailedException>(() => _table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity("p", "other")),
            new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity("p", "r") { ["Count"] = 3 }, stale),
        ]));

        Assert.Equal(412, failure.Status);
        Assert.Equal(1, failure.FailedTransactionActionIndex);
        Assert.Equal(2, (await _table.GetEntityAsync("p", "r")).Value.GetInt32("Count"));
    }

    [Fact]
    public async Task A_transaction_across_partitions_or_over_100_actions_is_refused_before_any_request()
    {
        TableTransactionAction Add(string partition, int row) =>
            new(TableTransactionActionType.Add, new TableEntity(partition, row.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        await Assert.ThrowsAsync<ArgumentException>(() => _table.SubmitTransactionAsync([Add("a", 1), Add("b", 2)]));
        await Assert.ThrowsAsync<ArgumentException>(() => _table.SubmitTransactionAsync(Enumerable.Range(0, 101).Select(i => Add("a", i))));
        await Assert.ThrowsAsync<ArgumentException>(() => _table.SubmitTransactionAsync([]));

        Assert.Empty(await _table.QueryAsync().ToListAsync());
    }
}
