using Azure.Core;
using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace PushFunctions.Azure.Configuration;

/// <summary>
/// The one place the app's Azure clients are built: registered with Microsoft.Extensions.Azure from the connection
/// settings the Functions host reads (<see cref="FunctionsConnection"/>), for the gateway, the relay and any tool.
/// Resolve <see cref="TableServiceClient"/>, <see cref="QueueServiceClient"/>, <see cref="BlobServiceClient"/> and
/// <see cref="ServiceBusClient"/> from the container; each is built on first use, so a connection the app does not
/// use need not be configured.
/// </summary>
public static class AzureClientRegistration
{
    /// <summary>The storage connection the Functions host itself uses.</summary>
    public const string StorageConnection = "AzureWebJobsStorage";

    /// <summary>The Service Bus connection the serviceBusTrigger names (function.json <c>connection</c>).</summary>
    public const string ServiceBusConnection = "ServiceBusConnection";

    /// <summary>
    /// Retries of a failed storage call, as the table client makes (Azure.Core's default); the queue and blob clients
    /// default to five. A ping waits on them while storage does not answer, so three bound its wait for a 503.
    /// </summary>
    private const int StorageRetries = 3;

    /// <summary>Table, queue and blob clients for one storage account.</summary>
    /// <param name="configureTables">Tunes the table client's options, e.g. its retries, for an app whose writes are latency-bound.</param>
    /// <param name="configureQueues">Adds to the queue client's options, e.g. what to do with a message that is not base64.</param>
    public static IServiceCollection AddStorageClients(
        this IServiceCollection services,
        IConfiguration configuration,
        string connectionName = StorageConnection,
        Action<TableClientOptions>? configureTables = null,
        Action<QueueClientOptions, IServiceProvider>? configureQueues = null)
    {
        var connection = new FunctionsConnection(configuration, connectionName);
        services.AddAzureClients(clients =>
        {
            clients.AddClient<TableServiceClient, TableClientOptions>((options, provider) =>
            {
                configureTables?.Invoke(options);
                return Build(
                    connection,
                    StorageService.Table,
                    provider,
                    connectionString => new TableServiceClient(connectionString, options),
                    (uri, credential) => new TableServiceClient(uri, credential, options));
            });

            clients.AddClient<QueueServiceClient, QueueClientOptions>((options, provider) =>
            {
                // The Functions queue trigger reads message bodies as base64; the in-process consumer must agree.
                options.MessageEncoding = QueueMessageEncoding.Base64;
                options.Retry.MaxRetries = StorageRetries;
                configureQueues?.Invoke(options, provider);
                return Build(
                    connection,
                    StorageService.Queue,
                    provider,
                    connectionString => new QueueServiceClient(connectionString, options),
                    (uri, credential) => new QueueServiceClient(uri, credential, options));
            });

            clients.AddClient<BlobServiceClient, BlobClientOptions>((options, provider) =>
            {
                options.Retry.MaxRetries = StorageRetries;
                return Build(
                    connection,
                    StorageService.Blob,
                    provider,
                    connectionString => new BlobServiceClient(connectionString, options),
                    (uri, credential) => new BlobServiceClient(uri, credential, options));
            });
        });
        return services;
    }

    /// <summary>One <see cref="ServiceBusClient"/> (one AMQP connection) for the namespace.</summary>
    public static IServiceCollection AddServiceBusClient(this IServiceCollection services, IConfiguration configuration, string connectionName = ServiceBusConnection)
    {
        var connection = new FunctionsConnection(configuration, connectionName);
        services.AddAzureClients(clients =>
            clients.AddClient<ServiceBusClient, ServiceBusClientOptions>((options, provider) =>
                connection.ConnectionString is { } connectionString
                    ? new ServiceBusClient(connectionString, options)
                    : new ServiceBusClient(connection.FullyQualifiedNamespace, connection.CreateCredential(Factory(provider)), options)));
        return services;
    }

    private static AzureComponentFactory Factory(IServiceProvider provider) => provider.GetRequiredService<AzureComponentFactory>();

    /// <summary>A storage client from the connection string, else for the service's URI with the connection's credential.</summary>
    private static TClient Build<TClient>(
        FunctionsConnection connection,
        StorageService service,
        IServiceProvider provider,
        Func<string, TClient> fromConnectionString,
        Func<Uri, TokenCredential, TClient> fromIdentity) =>
        connection.ConnectionString is { } connectionString
            ? fromConnectionString(connectionString)
            : fromIdentity(connection.StorageServiceUri(service), connection.CreateCredential(Factory(provider)));
}
