using PushFunctions.Azure.Tables;

namespace PushFunctions.UnitTests.Storage;

public sealed class TableEntityTests
{
    [Fact]
    public void Typed_getters_return_null_for_absent_properties()
    {
        var entity = new TableEntity("p", "r");

        Assert.Null(entity.GetString("Missing"));
        Assert.Null(entity.GetInt32("Missing"));
        Assert.Null(entity.GetInt64("Missing"));
        Assert.Null(entity.GetBoolean("Missing"));
        Assert.Null(entity.GetDouble("Missing"));
        Assert.Null(entity.GetDateTimeOffset("Missing"));
        Assert.Null(entity.GetGuid("Missing"));
        Assert.Null(entity.GetBinary("Missing"));
        Assert.Null(entity["Missing"]);
        Assert.False(entity.ContainsKey("Missing"));
    }

    [Fact]
    public void Whole_numbers_widen_to_long_and_double_but_other_types_do_not_convert()
    {
        var entity = new TableEntity("p", "r") { ["Small"] = 7, ["Text"] = "7" };

        Assert.Equal(7L, entity.GetInt64("Small"));
        Assert.Equal(7.0, entity.GetDouble("Small"));
        Assert.Throws<InvalidOperationException>(() => entity.GetInt32("Text"));
    }

    [Fact]
    public void Setting_null_removes_the_property()
    {
        var entity = new TableEntity("p", "r") { ["Value"] = 1 };

        entity["Value"] = null;

        Assert.False(entity.ContainsKey("Value"));
        Assert.Empty(entity.Keys);
    }

    [Fact]
    public void A_datetime_is_kept_as_the_utc_instant_it_stands_for()
    {
        var entity = new TableEntity("p", "r") { ["When"] = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc) };

        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), entity.GetDateTimeOffset("When"));
    }

    [Fact]
    public void Types_the_table_service_cannot_store_are_refused_when_set()
    {
        var entity = new TableEntity("p", "r");

        Assert.Throws<ArgumentException>(() => entity["Value"] = 1.5m);
        Assert.Throws<ArgumentException>(() => entity["Value"] = new Uri("https://example.test"));
        Assert.Throws<ArgumentException>(() => entity["odata.etag"] = "x");
        Assert.Throws<ArgumentException>(() => entity["Timestamp"] = DateTimeOffset.UtcNow);
    }

    [Fact]
    public void Keys_are_readable_and_settable_through_the_indexer_too()
    {
        var entity = new TableEntity("p", "r") { ["PartitionKey"] = "p2", ["RowKey"] = "r2" };

        Assert.Equal(("p2", "r2"), (entity.PartitionKey, entity.RowKey));
        Assert.Equal("p2", entity["PartitionKey"]);
        Assert.True(entity.ContainsKey("RowKey"));
        Assert.DoesNotContain("PartitionKey", entity.Keys);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\tb")]
    public void Keys_with_characters_the_service_forbids_are_refused(string key)
    {
        Assert.Throws<ArgumentException>(() => new TableEntity(key, "r"));
        Assert.Throws<ArgumentException>(() => new TableEntity("p", key));
    }
}
