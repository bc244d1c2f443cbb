using System.Globalization;
using Azure;
using PushFunctions.Azure.Tables;
using PushFunctions.Testing;

namespace PushFunctions.IntegrationTests.Storage;

public sealed class TableQueryTests : IAsyncLifetime
{
    private readonly TableClient _table = new(AzuriteEnvironment.ConnectionString, AzuriteEnvironment.NewTableName("query"));

    public Task InitializeAsync() => _table.CreateIfNotExistsAsync();

    public Task DisposeAsync() => _table.DeleteAsync();

    [Fact]
    public async Task A_query_without_a_page_size_follows_the_services_continuation_past_1000_rows()
    {
        await AddRowsAsync("bulk", 1500);

        var pages = new List<Page<TableEntity>>();
        await foreach (Page<TableEntity> page in _table.QueryAsync().AsPages())
        {
            pages.Add(page);
        }

        Assert.True(pages.Count >= 2, $"1,500 rows came back in {pages.Count} page(s).");
        Assert.Null(pages[^1].ContinuationToken);
        Assert.Equal(Enumerable.Range(0, 1500).Select(RowKey), pages.SelectMany(p => p.Values).Select(e => e.RowKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_filtered_query_with_small_pages_returns_every_match_exactly_once()
    {
        await AddRowsAsync("even", 60, index => index % 2 == 0 ? "even" : "odd");

        var pageSizes = new List<int>();
        var matches = new List<TableEntity>();
        await foreach (Page<TableEntity> page in _table.QueryAsync(TableClient.CreateQueryFilter($"Parity eq {"even"}"), maxPerPage: 7).AsPages())
        {
            pageSizes.Add(page.Values.Count);
            matches.AddRange(page.Values);
        }

        Assert.All(pageSizes, size => Assert.InRange(size, 0, 7));
        Assert.Equal(30, matches.Count);
        Assert.Equal(30, matches.Select(e => e.RowKey).Distinct().Count());
        Assert.All(matches, e => Assert.Equal("even", e.GetString("Parity")));
    }

    [Fact]
    public async Task A_filter_built_from_values_matches_quotes_longs_dates_and_guids_exactly()
    {
        var id = Guid.NewGuid();
        var when = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await _table.AddEntityAsync(new TableEntity("p", "match") { ["Name"] = "o'brien", ["Big"] = 5_000_000_000L, ["When"] = when, ["Id"] = id });
        await _table.AddEntityAsync(new TableEntity("p", "other") { ["Name"] = "obrien", ["Big"] = 5L, ["When"] = when.AddDays(-1), ["Id"] = Guid.NewGuid() });

        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {"p"} and Name eq {"o'brien"} and Big gt {4_000_000_000L} and When ge {when} and Id eq {id}");
        List<TableEntity> found = await _table.QueryAsync(filter).ToListAsync();

        Assert.Equal("match", Assert.Single(found).RowKey);
    }

    [Fact]
    public async Task A_query_with_select_returns_the_keys_and_only_the_named_properties()
    {
        await _table.AddEntityAsync(new TableEntity("p", "r") { ["Wanted"] = 1, ["Other"] = 2 });

        TableEntity row = Assert.Single(await _table.QueryAsync(select: ["Wanted"]).ToListAsync());

        Assert.Equal(("p", "r"), (row.PartitionKey, row.RowKey));
        Assert.Equal(1, row.GetInt32("Wanted"));
        Assert.False(row.ContainsKey("Other"));
        Assert.NotEqual(default, row.ETag);
    }

    [Fact]
    public async Task Rows_from_a_query_carry_etags_usable_for_a_conditional_update()
    {
        await _table.AddEntityAsync(new TableEntity("p", "r") { ["Count"] = 1 });

        TableEntity row = Assert.Single(await _table.QueryAsync().ToListAsync());
        row["Count"] = 2;
        await _table.UpdateEntityAsync(row, row.ETag);

        Assert.Equal(2, (await _table.GetEntityAsync("p", "r")).Value.GetInt32("Count"));
    }

    private static string RowKey(int index) => index.ToString("D5", CultureInfo.InvariantCulture);

    private async Task AddRowsAsync(string partitionKey, int count, Func<int, string>? parity = null)
    {
        foreach (int[] chunk in Enumerable.Range(0, count).Chunk(100))
        {
            await _table.SubmitTransactionAsync(chunk.Select(index => new TableTransactionAction(
                TableTransactionActionType.Add,
                new TableEntity(partitionKey, RowKey(index)) { ["Parity"] = parity?.Invoke(index) ?? "any" })));
        }
    }
}
