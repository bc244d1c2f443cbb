using PushFunctions.Relay.Storage;

namespace PushFunctions.UnitTests.Relay;

/// <summary>The forms of the <c>AzureWebJobsStorage</c> setting the relay accepts, as the Functions host reads them.</summary>
public sealed class RelayStorageTests
{
    private static Func<string, string?> Settings(params (string Name, string Value)[] settings) =>
        name => settings.Where(setting => setting.Name == name).Select(setting => setting.Value).FirstOrDefault();

    [Fact]
    public void A_connection_string_names_the_account_and_its_table_endpoint()
    {
        var client = RelayStorage.CreateTableServiceClient(
            Settings(("AzureWebJobsStorage", "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;")),
            "AzureWebJobsStorage");

        Assert.Equal("devstoreaccount1", client.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), client.Uri);
    }

    [Fact]
    public void An_account_name_means_its_public_table_endpoint_with_an_identity()
    {
        var client = RelayStorage.CreateTableServiceClient(
            Settings(("AzureWebJobsStorage__accountName", "contoso"), ("AzureWebJobsStorage__clientId", "00000000-0000-0000-0000-000000000001")),
            "AzureWebJobsStorage");

        Assert.Equal(new Uri("https://contoso.table.core.windows.net"), client.Uri);
    }

    [Fact]
    public void A_table_service_uri_is_used_as_given_with_the_managed_identity()
    {
        var client = RelayStorage.CreateTableServiceClient(
            Settings(("AzureWebJobsStorage__tableServiceUri", "https://contoso.table.core.windows.net"), ("AzureWebJobsStorage__credential", "managedidentity")),
            "AzureWebJobsStorage");

        Assert.Equal(new Uri("https://contoso.table.core.windows.net"), client.Uri);
    }

    [Fact]
    public void No_storage_setting_fails_naming_the_settings_to_set()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RelayStorage.CreateTableServiceClient(Settings(), "AzureWebJobsStorage"));

        Assert.Contains("AzureWebJobsStorage__accountName", error.Message, StringComparison.Ordinal);
    }
}
