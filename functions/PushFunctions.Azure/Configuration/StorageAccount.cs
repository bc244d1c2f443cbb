using Azure.Core;
using Azure.Identity;
using PushFunctions.Azure.Queues;
using PushFunctions.Azure.Storage;
using PushFunctions.Azure.Tables;

namespace PushFunctions.Azure.Configuration;

/// <summary>
/// The storage account named by a Functions-style connection setting (e.g. <c>AzureWebJobsStorage</c>): either a
/// connection string with a key (Azurite, keyed accounts), or, in Azure where shared keys are disabled,
/// <c>{name}__accountName</c> (or <c>__tableServiceUri</c>/<c>__queueServiceUri</c>) with a managed identity
/// (<c>{name}__clientId</c> for a user-assigned one). The same setting names the Functions host reads.
/// </summary>
public sealed class StorageAccount
{
    private readonly StorageSharedKeyCredential? _sharedKey;
    private readonly TokenCredential? _token;

    private StorageAccount(Uri tableEndpoint, Uri queueEndpoint, StorageSharedKeyCredential? sharedKey, TokenCredential? token)
    {
        TableEndpoint = tableEndpoint;
        QueueEndpoint = queueEndpoint;
        _sharedKey = sharedKey;
        _token = token;
    }

    public Uri TableEndpoint { get; }

    public Uri QueueEndpoint { get; }

    /// <param name="lookup">Reads a setting by its full name (environment-variable style, with "__").</param>
    /// <param name="settingName">The connection setting's name, e.g. "AzureWebJobsStorage".</param>
    public static StorageAccount FromSettings(Func<string, string?> lookup, string settingName)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var connectionString = lookup(settingName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var parsed = StorageConnectionString.Parse(connectionString);
            var key = parsed.AccountKey is null ? null : new StorageSharedKeyCredential(parsed.AccountName, parsed.AccountKey);
            return new StorageAccount(parsed.TableEndpoint, parsed.QueueEndpoint, key, key is null ? CreateCredential(null) : null);
        }

        var accountName = lookup(settingName + "__accountName");
        var tableUri = lookup(settingName + "__tableServiceUri") is { Length: > 0 } t ? new Uri(t)
            : accountName is { Length: > 0 } ? new Uri($"https://{accountName}.table.core.windows.net") : null;
        var queueUri = lookup(settingName + "__queueServiceUri") is { Length: > 0 } q ? new Uri(q)
            : accountName is { Length: > 0 } ? new Uri($"https://{accountName}.queue.core.windows.net") : null;
        if (tableUri is null || queueUri is null)
        {
            throw new InvalidOperationException(
                $"Storage is not configured: set {settingName} to a connection string, or {settingName}__accountName for a managed identity.");
        }

        return new StorageAccount(tableUri, queueUri, null, CreateCredential(lookup(settingName + "__clientId")));
    }

    public TableClient CreateTableClient(string tableName, TableClientOptions? options = null) =>
        _sharedKey is not null
            ? new TableClient(TableEndpoint, tableName, _sharedKey, options)
            : new TableClient(TableEndpoint, tableName, _token!, options);

    public QueueClient CreateQueueClient(string queueName, QueueClientOptions? options = null)
    {
        var uri = new Uri(QueueEndpoint.AbsoluteUri.TrimEnd('/') + "/" + queueName);
        return _sharedKey is not null ? new QueueClient(uri, _sharedKey, options) : new QueueClient(uri, _token!, options);
    }

    private static DefaultAzureCredential CreateCredential(string? clientId) =>
        new(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrEmpty(clientId) ? null : clientId });
}
