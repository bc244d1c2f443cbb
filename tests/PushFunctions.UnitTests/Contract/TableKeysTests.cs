using PushFunctions.Azure.Stores;

namespace PushFunctions.UnitTests.Contract;

public sealed class TableKeysTests
{
    [Theory]
    [InlineData("user1")]
    [InlineData("alice@example.com")]
    [InlineData("Zoë Müller")]
    [InlineData("a+b=c&d")]
    public void An_id_without_forbidden_characters_is_its_own_key(string id)
    {
        Assert.Equal(id, TableKeys.Encode(id));
        Assert.Equal(id, TableKeys.Decode(id));
    }

    [Theory]
    [InlineData("a/b", "a%002Fb")]
    [InlineData("a\\b", "a%005Cb")]
    [InlineData("a#b", "a%0023b")]
    [InlineData("a?b", "a%003Fb")]
    [InlineData("a%b", "a%0025b")]
    [InlineData("a\tb", "a%0009b")]
    [InlineData("a\u007fb", "a%007Fb")]
    public void Characters_table_keys_forbid_are_percent_encoded(string id, string key)
    {
        Assert.Equal(key, TableKeys.Encode(id));
    }

    [Theory]
    [InlineData("domain\\user")]
    [InlineData("a/b/c#d?e")]
    [InlineData("100%")]
    [InlineData("%0041")]
    [InlineData("line\nbreak\u0000")]
    [InlineData("%")]
    public void Decoding_an_encoded_id_gives_the_id_back(string id)
    {
        var key = TableKeys.Encode(id);

        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        Assert.Equal(id, TableKeys.Decode(key));
    }

    [Fact]
    public void Distinct_ids_never_share_a_key()
    {
        // '%' itself is encoded, so an id that looks like an encoding cannot collide with the id it would decode to.
        Assert.NotEqual(TableKeys.Encode("a/b"), TableKeys.Encode("a%002Fb"));
    }

    [Fact]
    public void Ids_up_to_256_characters_are_storable()
    {
        Assert.True(TableKeys.IsStorable("u"));
        Assert.True(TableKeys.IsStorable(new string('u', TableKeys.MaxIdLength)));
    }

    [Fact]
    public void Empty_and_longer_ids_are_not_storable()
    {
        Assert.False(TableKeys.IsStorable(""));
        Assert.False(TableKeys.IsStorable(new string('u', TableKeys.MaxIdLength + 1)));
    }

    [Fact]
    public void An_id_whose_encoded_form_exceeds_the_one_kilobyte_key_limit_is_not_storable()
    {
        Assert.True(TableKeys.IsStorable(new string('/', 200)));
        Assert.False(TableKeys.IsStorable(new string('/', TableKeys.MaxIdLength)));
    }
}
