using PushFunctions.Azure.ServiceBus;

namespace PushFunctions.UnitTests.ServiceBus;

public sealed class ServiceBusConnectionStringTests
{
    private const string Key = "c2VjcmV0LWtleQ==";

    [Fact]
    public void An_sb_endpoint_is_reached_over_https()
    {
        var parsed = ServiceBusConnectionString.Parse($"Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}");

        Assert.Equal(new Uri("https://contoso.servicebus.windows.net/"), parsed.Endpoint);
        var (name, key) = parsed.Credential;
        Assert.Equal("send", name);
        Assert.Equal(Key, key);
        Assert.Null(parsed.EntityPath);
    }

    [Fact]
    public void A_local_http_endpoint_is_used_as_given_and_an_entity_path_is_kept()
    {
        var parsed = ServiceBusConnectionString.Parse($"Endpoint=http://127.0.0.1:41234;SharedAccessKeyName=send;SharedAccessKey={Key};EntityPath=pings");

        Assert.Equal(new Uri("http://127.0.0.1:41234/"), parsed.Endpoint);
        Assert.Equal("pings", parsed.EntityPath);
    }

    [Fact]
    public void A_connection_string_of_one_queue_makes_senders_for_that_queue_only()
    {
        var client = new ServiceBusClient($"Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key};EntityPath=pings");

        Assert.Equal(new Uri("https://contoso.servicebus.windows.net/pings/messages"), client.CreateSender("pings").Uri);
        Assert.Throws<ArgumentException>(() => client.CreateSender("other"));
    }

    [Theory]
    [InlineData("SharedAccessKeyName=send;SharedAccessKey=" + Key)]
    [InlineData("Endpoint=ftp://contoso/;SharedAccessKeyName=send;SharedAccessKey=" + Key)]
    [InlineData("Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKey=" + Key)]
    [InlineData("Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=send")]
    [InlineData("Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=x&sig=" + Key)]
    [InlineData("Endpoint=sb://a/;Endpoint=sb://b/;SharedAccessKeyName=send;SharedAccessKey=" + Key)]
    [InlineData("just text")]
    public void An_unusable_connection_string_is_refused_without_repeating_the_key(string connectionString)
    {
        var error = Assert.Throws<FormatException>(() => ServiceBusConnectionString.Parse(connectionString));

        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }
}
