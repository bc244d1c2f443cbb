using PushFunctions.Azure.Tables;

namespace PushFunctions.UnitTests.Storage;

public sealed class TableQueryFilterTests
{
    [Fact]
    public void Strings_are_quoted_with_embedded_quotes_doubled()
    {
        string name = "o'brien' or '1' eq '1";

        Assert.Equal("Name eq 'o''brien'' or ''1'' eq ''1'", TableClient.CreateQueryFilter($"Name eq {name}"));
    }

    [Fact]
    public void Numbers_and_booleans_are_odata_literals_with_longs_marked_and_doubles_kept_fractional()
    {
        Assert.Equal(
            "A eq 42 and B eq 5000000000L and C eq -1L and D eq 1.5 and E eq 2.0 and F eq true and G eq false",
            TableClient.CreateQueryFilter($"A eq {42} and B eq {5_000_000_000L} and C eq {-1L} and D eq {1.5} and E eq {2.0} and F eq {true} and G eq {false}"));
    }

    [Fact]
    public void Instants_become_utc_datetime_literals()
    {
        var instant = new DateTimeOffset(2024, 3, 4, 7, 6, 7, TimeSpan.FromHours(2)).AddTicks(1);

        Assert.Equal("Timestamp ge datetime'2024-03-04T05:06:07.0000001Z'", TableClient.CreateQueryFilter($"Timestamp ge {instant}"));
    }

    [Fact]
    public void Guids_binary_and_null_have_their_literal_forms()
    {
        var id = Guid.Parse("0f9a6d1e-8f44-4c1c-9d3a-2b7c1a5e6f00");
        byte[] bytes = [0x0A, 0xFF];

        Assert.Equal(
            "Id eq guid'0f9a6d1e-8f44-4c1c-9d3a-2b7c1a5e6f00' and Hash eq X'0aff' and Missing eq null",
            TableClient.CreateQueryFilter($"Id eq {id} and Hash eq {bytes} and Missing eq {null}"));
    }

    [Fact]
    public void A_value_without_an_odata_literal_is_refused()
    {
        Assert.Throws<ArgumentException>(() => TableClient.CreateQueryFilter($"X eq {new Uri("https://example.test")}"));
    }
}
