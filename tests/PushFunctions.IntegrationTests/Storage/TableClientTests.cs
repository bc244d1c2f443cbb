using Azure;
using PushFunctions.Azure.Storage;
using PushFunctions.Azure.Tables;
using PushFunctions.Testing;

namespace PushFunctions.IntegrationTests.Storage;

public sealed class TableClientTests : IAsyncLifetime
{
    private readonly TableClient _table = new(AzuriteEnvironment.ConnectionString, AzuriteEnvironment.NewTableName("entities"));

    public Task InitializeAsync() => _table.CreateIfNotExistsAsync();

    public Task DisposeAsync() => _table.DeleteAsync();

    [Fact]
    public async Task Create_if_not_exists_on_an_existing_table_succeeds()
    {
        Response response = await _table.CreateIfNotExistsAsync();

        Assert.Equal(409, response.Status);
        await _table.AddEntityAsync(new TableEntity("p", "r"));
    }

    [Fact]
    public async Task Add_then_get_returns_the_entity_with_its_etag_and_timestamp()
    {
        var entity = new TableEntity("user", "alice") { ["Email"] = "alice@example.com" };

        Response added = await _table.AddEntityAsync(entity);
        TableEntity read = (await _table.GetEntityAsync("user", "alice")).Value;

        Assert.Equal("user", read.PartitionKey);
        Assert.Equal("alice", read.RowKey);
        Assert.Equal("alice@example.com", read.GetString("Email"));
        Assert.Equal(added.Headers.ETag, read.ETag);
        Assert.NotNull(read.Timestamp);
        Assert.InRange(read.Timestamp.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task Typed_properties_round_trip_as_the_types_they_were_written_as()
    {
        var instant = new DateTimeOffset(2024, 2, 29, 13, 14, 15, TimeSpan.Zero).AddTicks(1234567);
        var id = Guid.NewGuid();
        var entity = new TableEntity("types", "all")
        {
            ["Text"] = "zoë ✓ 'quoted'",
            ["Small"] = 42,
            ["Negative"] = -7,
            ["Large"] = long.MaxValue,
            ["LargeNegative"] = long.MinValue + 1,
            ["Flag"] = true,
            ["Whole"] = 2.0,
            ["Fraction"] = 1.5,
            ["NotANumber"] = double.NaN,
            ["When"] = instant,
            ["Id"] = id,
            ["Bytes"] = new byte[] { 0, 1, 2, 254, 255 },
        };

        await _table.AddEntityAsync(entity);
        TableEntity read = (await _table.GetEntityAsync("types", "all")).Value;

        Assert.Equal("zoë ✓ 'quoted'", read["Text"]);
        Assert.Equal(42, read["Small"]);
        Assert.Equal(-7, read["Negative"]);
        Assert.Equal(long.MaxValue, read["Large"]);
        Assert.Equal(long.MinValue + 1, read["LargeNegative"]);
        Assert.Equal(true, read["Flag"]);
        Assert.Equal(2.0, read["Whole"]);
        Assert.Equal(1.5, read["Fraction"]);
        Assert.True(double.IsNaN(read.GetDouble("NotANumber")!.Value));
        Assert.Equal(instant, read["When"]);
        Assert.Equal(id, read["Id"]);
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, read["Bytes"]);
    }

    [Fact]
    public async Task Keys_with_quotes_spaces_and_non_ascii_characters_address_their_row()
    {
        var entity = new TableEntity("o'brien & co", "ü +%20 'x'") { ["Value"] = 1 };

        await _table.AddEntityAsync(entity);
        await _table.UpsertEntityAsync(new TableEntity("o'brien & co", "ü +%20 'x'") { ["Value"] = 2 });
        TableEntity read = (await _table.GetEntityAsync("o'brien & co", "ü +%20 'x'")).Value;
        await _table.DeleteEntityAsync("o'brien & co", "ü +%20 'x'");

        Assert.Equal(2, read.GetInt32("Value"));
        Assert.False((await _table.GetEntityIfExistsAsync("o'brien & co", "ü +%20 'x'")).HasValue);
    }

    [Fact]
    public async Task Adding_an_existing_row_fails_with_409_EntityAlreadyExists()
    {
        await _table.AddEntityAsync(new TableEntity("p", "r"));

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => _table.AddEntityAsync(new TableEntity("p", "r")));

        Assert.Equal(409, failure.Status);
        Assert.Equal("EntityAlreadyExists", failure.ErrorCode);
    }

    [Fact]
    public async Task Upsert_merge_keeps_the_properties_the_entity_does_not_name()
    {
        await _table.UpsertEntityAsync(new TableEntity("p", "r") { ["Kept"] = "old", ["Changed"] = 1 });

        await _table.UpsertEntityAsync(new TableEntity("p", "r") { ["Changed"] = 2 }, TableUpdateMode.Merge);
        TableEntity read = (await _table.GetEntityAsync("p", "r")).Value;

        Assert.Equal("old", read.GetString("Kept"));
        Assert.Equal(2, read.GetInt32("Changed"));
    }

    [Fact]
    public async Task Upsert_replace_drops_the_properties_the_entity_does_not_name()
    {
        await _table.UpsertEntityAsync(new TableEntity("p", "r") { ["Dropped"] = "old", ["Changed"] = 1 });

        await _table.UpsertEntityAsync(new TableEntity("p", "r") { ["Changed"] = 2 }, TableUpdateMode.Replace);
        TableEntity read = (await _table.GetEntityAsync("p", "r")).Value;

        Assert.False(read.ContainsKey("Dropped"));
        Assert.Null(read.GetString("Dropped"));
        Assert.Equal(2, read.GetInt32("Changed"));
    }

    [Fact]
    public async Task Update_with_the_current_etag_succeeds_and_with_a_stale_one_fails_with_a_concurrency_exception()
    {
        await _table.AddEntityAsync(new TableEntity("p", "r") { ["Count"] = 1 });
        TableEntity first = (await _table.GetEntityAsync("p", "r")).Value;
        TableEntity second = (await _table.GetEntityAsync("p", "r")).Value;

        first["Count"] = 2;
        await _table.UpdateEntityAsync(first, first.ETag, TableUpdateMode.Replace);
        second["Count"] = 3;
        var conflict = await Assert.ThrowsAsync<TableConcurrencyException>(() => _table.UpdateEntityAsync(second, second.ETag));

        Assert.Equal(412, conflict.Status);
        Assert.Equal("UpdateConditionNotSatisfied", conflict.ErrorCode);
        Assert.Equal(2, (await _table.GetEntityAsync("p", "r")).Value.GetInt32("Count"));
    }

    [Fact]
    public async Task Update_with_any_etag_of_a_missing_row_fails_with_404()
    {
        var failure = await Assert.ThrowsAsync<RequestFailedException>(
            () => _table.UpdateEntityAsync(new TableEntity("p", "missing"), ETag.All));

        Assert.Equal(404, failure.Status);
        Assert.Equal("ResourceNotFound", failure.ErrorCode);
    }

    [Fact]
    public async Task Get_of_a_missing_row_fails_with_404_and_get_if_exists_has_no_value()
    {
        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => _table.GetEntityAsync("p", "missing"));
        NullableResponse<TableEntity> maybe = await _table.GetEntityIfExistsAsync("p", "missing");

        Assert.Equal(404, failure.Status);
        Assert.Equal("ResourceNotFound", failure.ErrorCode);
        Assert.False(maybe.HasValue);
        Assert.Equal(404, maybe.GetRawResponse().Status);
    }

    [Fact]
    public async Task Get_with_select_returns_the_keys_and_only_the_named_properties()
    {
        await _table.AddEntityAsync(new TableEntity("p", "r") { ["Wanted"] = "yes", ["Other"] = "no" });

        TableEntity read = (await _table.GetEntityAsync("p", "r", ["Wanted"])).Value;

        Assert.Equal(("p", "r"), (read.PartitionKey, read.RowKey));
        Assert.Equal("yes", read.GetString("Wanted"));
        Assert.False(read.ContainsKey("Other"));
    }

    [Fact]
    public async Task Delete_removes_the_row_and_deleting_a_missing_row_succeeds()
    {
        await _table.AddEntityAsync(new TableEntity("p", "r"));

        Response deleted = await _table.DeleteEntityAsync("p", "r");
        Response again = await _table.DeleteEntityAsync("p", "r");

        Assert.Equal(204, deleted.Status);
        Assert.Equal(404, again.Status);
        Assert.False((await _table.GetEntityIfExistsAsync("p", "r")).HasValue);
    }

    [Fact]
    public async Task Delete_with_a_stale_etag_fails_with_a_concurrency_exception_and_keeps_the_row()
    {
        await _table.AddEntityAsync(new TableEntity("p", "r") { ["Count"] = 1 });
        ETag stale = (await _table.GetEntityAsync("p", "r")).Value.ETag;
        await _table.UpsertEntityAsync(new TableEntity("p", "r") { ["Count"] = 2 });

        await Assert.ThrowsAsync<TableConcurrencyException>(() => _table.DeleteEntityAsync("p", "r", stale));

        Assert.True((await _table.GetEntityIfExistsAsync("p", "r")).HasValue);
    }

    [Fact]
    public async Task Operations_on_a_missing_table_fail_with_404_TableNotFound()
    {
        var missing = new TableClient(AzuriteEnvironment.ConnectionString, AzuriteEnvironment.NewTableName("missing"));

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => missing.AddEntityAsync(new TableEntity("p", "r")));

        Assert.Equal(404, failure.Status);
        Assert.Equal("TableNotFound", failure.ErrorCode);
    }

    [Fact]
    public async Task A_client_with_the_wrong_account_key_is_refused_with_403()
    {
        var connection = StorageConnectionString.Parse(AzuriteEnvironment.ConnectionString);
        var wrongKey = new StorageSharedKeyCredential(connection.AccountName, Convert.ToBase64String(new byte[64]));
        var impostor = new TableClient(connection.TableEndpoint, _table.Name, wrongKey);

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => impostor.GetEntityIfExistsAsync("p", "r"));

        Assert.Equal(403, failure.Status);
        Assert.DoesNotContain(connection.AccountKey!, failure.ToString(), StringComparison.Ordinal);
    }
}
