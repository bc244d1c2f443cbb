using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PushFunctions.Azure.Configuration;

namespace PushFunctions.UnitTests.Configuration;

/// <summary>
/// Each form of connection setting the Functions host understands builds the clients the host would: a connection
/// string; or, identity-based, an account name or per-service URIs for storage, a fully qualified namespace for Service
/// Bus, with the credential named by <c>__credential</c> / <c>__clientId</c>. Settings are given as configuration sees
/// environment variables: <c>AzureWebJobsStorage__accountName</c> is <c>AzureWebJobsStorage:accountName</c>.
/// </summary>
public sealed class AzureClientRegistrationTests
{
    // The emulator's documented, public development account key; not a secret.
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string StorageConnectionString =
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};" +
        "BlobEndpoint=http://127.0.0.1:10100/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10101/devstoreaccount1;TableEndpoint=http://127.0.0.1:10102/devstoreaccount1;";

    [Fact]
    public void A_connection_string_builds_each_storage_client_for_its_own_endpoint()
    {
        using var services = Storage(new() { ["AzureWebJobsStorage"] = StorageConnectionString });

        Assert.Equal("http://127.0.0.1:10102/devstoreaccount1", services.GetRequiredService<TableServiceClient>().Uri.AbsoluteUri.TrimEnd('/'));
        Assert.Equal("http://127.0.0.1:10101/devstoreaccount1", services.GetRequiredService<QueueServiceClient>().Uri.AbsoluteUri.TrimEnd('/'));
        Assert.Equal("http://127.0.0.1:10100/devstoreaccount1", services.GetRequiredService<BlobServiceClient>().Uri.AbsoluteUri.TrimEnd('/'));
        Assert.Equal("devstoreaccount1", services.GetRequiredService<TableServiceClient>().AccountName);
    }

    [Fact]
    public void An_account_name_means_each_services_endpoint_in_the_public_cloud()
    {
        using var services = Storage(new() { ["AzureWebJobsStorage:accountName"] = "pushstore" });

        Assert.Equal("https://pushstore.table.core.windows.net/", services.GetRequiredService<TableServiceClient>().Uri.AbsoluteUri);
        Assert.Equal("https://pushstore.queue.core.windows.net/", services.GetRequiredService<QueueServiceClient>().Uri.AbsoluteUri);
        Assert.Equal("https://pushstore.blob.core.windows.net/", services.GetRequiredService<BlobServiceClient>().Uri.AbsoluteUri);
    }

    [Fact]
    public void A_service_uri_wins_over_the_account_name_for_its_service()
    {
        using var services = Storage(new()
        {
            ["AzureWebJobsStorage:accountName"] = "pushstore",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://pushstore.privatelink.queue.core.windows.net/",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://pushstore.table.core.usgovcloudapi.net/",
            ["AzureWebJobsStorage:blobServiceUri"] = "https://blobs.example.com/",
        });

        Assert.Equal("https://pushstore.table.core.usgovcloudapi.net/", services.GetRequiredService<TableServiceClient>().Uri.AbsoluteUri);
        Assert.Equal("https://pushstore.privatelink.queue.core.windows.net/", services.GetRequiredService<QueueServiceClient>().Uri.AbsoluteUri);
        Assert.Equal("https://blobs.example.com/", services.GetRequiredService<BlobServiceClient>().Uri.AbsoluteUri);
    }

    [Fact]
    public void A_connection_string_wins_over_identity_settings_under_the_same_name()
    {
        using var services = Storage(new()
        {
            ["AzureWebJobsStorage"] = StorageConnectionString,
            ["AzureWebJobsStorage:accountName"] = "pushstore",
        });

        Assert.Equal("devstoreaccount1", services.GetRequiredService<TableServiceClient>().AccountName);
    }

    [Fact]
    public void Without_a_connection_the_error_names_the_settings_to_set()
    {
        using var services = Storage([]);

        var error = Assert.Throws<InvalidOperationException>(services.GetRequiredService<TableServiceClient>);

        Assert.Contains("AzureWebJobsStorage__accountName", error.Message, StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage__tableServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_bus_connection_string_names_its_namespace()
    {
        // A ServiceBusClient is only asynchronously disposable.
        await using var services = ServiceBus(new()
        {
            ["ServiceBusConnection"] = "Endpoint=sb://push-ns.servicebus.windows.net/;SharedAccessKeyName=Send;SharedAccessKey=" + Convert.ToBase64String(new byte[32]),
        });

        Assert.Equal("push-ns.servicebus.windows.net", services.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
    }

    [Fact]
    public async Task An_identity_based_service_bus_connection_reaches_its_fully_qualified_namespace()
    {
        await using var services = ServiceBus(new() { ["ServiceBusConnection:fullyQualifiedNamespace"] = "push-ns.servicebus.windows.net" });

        Assert.Equal("push-ns.servicebus.windows.net", services.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
    }

    [Fact]
    public void Without_a_service_bus_connection_the_error_names_the_settings_to_set()
    {
        using var services = ServiceBus([]);

        var error = Assert.Throws<InvalidOperationException>(services.GetRequiredService<ServiceBusClient>);

        Assert.Contains("ServiceBusConnection__fullyQualifiedNamespace", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("managedidentity", "00000000-0000-0000-0000-00000000abcd", typeof(ManagedIdentityCredential))]
    [InlineData("managedidentity", null, typeof(ManagedIdentityCredential))]
    [InlineData(null, "00000000-0000-0000-0000-00000000abcd", typeof(DefaultAzureCredential))]
    [InlineData(null, null, typeof(DefaultAzureCredential))]
    public void The_credential_follows_the_credential_and_client_id_settings(string? credential, string? clientId, Type expected)
    {
        var configuration = Configuration(new()
        {
            ["ServiceBusConnection:fullyQualifiedNamespace"] = "push-ns.servicebus.windows.net",
            ["ServiceBusConnection:credential"] = credential,
            ["ServiceBusConnection:clientId"] = clientId,
        });
        var services = new ServiceCollection();
        services.AddAzureClientsCore();
        using var provider = services.BuildServiceProvider();

        TokenCredential created = new FunctionsConnection(configuration, AzureClientRegistration.ServiceBusConnection)
            .CreateCredential(provider.GetRequiredService<AzureComponentFactory>());

        Assert.IsType(expected, created);
    }

    private static ServiceProvider Storage(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddStorageClients(Configuration(settings)).BuildServiceProvider();

    private static ServiceProvider ServiceBus(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddServiceBusClient(Configuration(settings)).BuildServiceProvider();

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
