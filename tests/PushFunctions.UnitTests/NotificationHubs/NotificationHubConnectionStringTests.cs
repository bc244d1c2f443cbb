using PushFunctions.Azure.NotificationHubs;

namespace PushFunctions.UnitTests.NotificationHubs;

public sealed class NotificationHubConnectionStringTests
{
    [Fact]
    public void An_sb_endpoint_is_reached_over_https()
    {
        var parsed = NotificationHubConnectionString.Parse(
            "Endpoint=sb://my-ns.servicebus.windows.net/;SharedAccessKeyName=DefaultFullSharedAccessSignature;SharedAccessKey=abc+def/ghi=");

        Assert.Equal(new Uri("https://my-ns.servicebus.windows.net/"), parsed.Endpoint);
        Assert.Equal("DefaultFullSharedAccessSignature", parsed.SharedAccessKeyName);
        Assert.Equal("abc+def/ghi=", parsed.SharedAccessKey);
    }

    [Fact]
    public void An_http_endpoint_is_used_as_given_for_a_local_server()
    {
        var parsed = NotificationHubConnectionString.Parse("Endpoint=http://127.0.0.1:41234;SharedAccessKeyName=k;SharedAccessKey=v");

        Assert.Equal(new Uri("http://127.0.0.1:41234/"), parsed.Endpoint);
    }

    [Theory]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=rule", "SharedAccessKey")]
    [InlineData("SharedAccessKeyName=rule;SharedAccessKey=top-secret-key", "Endpoint")]
    [InlineData("Endpoint=ftp://ns/;SharedAccessKeyName=rule;SharedAccessKey=top-secret-key", "Endpoint")]
    [InlineData("Endpoint=sb://ns/;SharedAccessKeyName=rule;SharedAccessKey=top-secret-key;SharedAccessKey=top-secret-key", "more than once")]
    public void A_bad_connection_string_is_refused_naming_the_setting_but_never_the_key(string connectionString, string named)
    {
        var error = Assert.Throws<FormatException>(() => NotificationHubConnectionString.Parse(connectionString));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("top-secret-key", error.Message, StringComparison.Ordinal);
    }
}
