using System.Text;
using PushFunctions.Relay.Authentication;

namespace PushFunctions.UnitTests.Relay;

public sealed class BasicCredentialsTests
{
    private static string Basic(string userAndPassword) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(userAndPassword));

    [Fact]
    public void A_basic_header_gives_user_and_password()
    {
        Assert.Equal(new BasicCredentials("alice", "secret"), BasicCredentials.Parse(Basic("alice:secret")));
    }

    [Fact]
    public void The_password_may_contain_colons()
    {
        Assert.Equal("pa:ss:word", BasicCredentials.Parse(Basic("alice:pa:ss:word"))!.Password);
    }

    [Fact]
    public void The_scheme_is_case_insensitive()
    {
        Assert.Equal("alice", BasicCredentials.Parse("basic " + Convert.ToBase64String("alice:x"u8.ToArray()))!.User);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("Basic !!!")]
    [InlineData("Basic bm9jb2xvbg==")]
    [InlineData("Basic OnBhc3N3b3Jk")]
    public void Headers_without_usable_basic_credentials_give_null(string? header)
    {
        Assert.Null(BasicCredentials.Parse(header));
    }

    [Fact]
    public void The_text_form_never_shows_the_password()
    {
        var text = BasicCredentials.Parse(Basic("alice:hunter2"))!.ToString();

        Assert.Contains("alice", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
    }
}
