using PushFunctions.Azure.ServiceBus;

namespace PushFunctions.UnitTests.ServiceBus;

public sealed class ServiceBusConnectionSettingsTests
{
    [Fact]
    public void A_connection_string_in_the_setting_itself_wins()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ServiceBusConnection"] = "Endpoint=http://127.0.0.1:41234/;SharedAccessKeyName=send;SharedAccessKey=a2V5",
            ["ServiceBusConnection__fullyQualifiedNamespace"] = "contoso.servicebus.windows.net",
        };

        var client = ServiceBusConnectionSettings.CreateClient(settings.GetValueOrDefault, "ServiceBusConnection");

        Assert.Equal(new Uri("http://127.0.0.1:41234/"), client.Endpoint);
    }

    [Theory]
    [InlineData("managedidentity")]
    [InlineData(null)]
    public void A_fully_qualified_namespace_means_an_entra_id_token_for_that_host(string? credential)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ServiceBusConnection__fullyQualifiedNamespace"] = "contoso.servicebus.windows.net",
            ["ServiceBusConnection__credential"] = credential,
            ["ServiceBusConnection__clientId"] = "00000000-0000-0000-0000-000000000001",
        };

        var client = ServiceBusConnectionSettings.CreateClient(settings.GetValueOrDefault, "ServiceBusConnection");

        Assert.Equal(new Uri("https://contoso.servicebus.windows.net/"), client.Endpoint);
        Assert.Equal("contoso.servicebus.windows.net", client.FullyQualifiedNamespace);
        Assert.Equal(new Uri("https://contoso.servicebus.windows.net/pings/messages"), client.CreateSender("pings").Uri);
    }

    [Fact]
    public void Without_either_setting_the_error_names_what_to_set()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServiceBusConnectionSettings.CreateClient(_ => null, "ServiceBusConnection"));

        Assert.Contains("ServiceBusConnection__fullyQualifiedNamespace", error.Message, StringComparison.Ordinal);
    }
}
