using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PushFunctions.Azure.Configuration;
using PushFunctions.Azure.Stores;
using PushFunctions.Import.State;

namespace PushFunctions.Import.Cli;

/// <summary>
/// The gateway's tables as the command reaches them: the account from the same settings the gateway reads
/// (<c>AzureWebJobsStorage</c>, a connection string or the identity-based <c>__accountName</c> forms), the same table
/// names under the same <c>Storage__TablePrefix</c>. Missing tables are created, so the import may run before the
/// gateway ever started.
/// </summary>
internal sealed record ImportStorage(UserStore Users, RegistrationStore Registrations, ImportStateStore State)
{
    public const string ConnectionSetting = AzureClientRegistration.StorageConnection;

    public static async Task<ImportStorage> OpenAsync(IConfiguration configuration, string tablePrefix, CancellationToken cancellationToken)
    {
        // The process lives as long as the import: the container that built the client needs no disposing before.
        var account = new ServiceCollection().AddLogging().AddStorageClients(configuration).BuildServiceProvider().GetRequiredService<TableServiceClient>();
        var users = account.GetTableClient(tablePrefix + "Users");
        var clientIndex = account.GetTableClient(tablePrefix + "ClientIndex");
        var state = account.GetTableClient(tablePrefix + ImportStateStore.TableName);
        await Task.WhenAll(
            users.CreateIfNotExistsAsync(cancellationToken),
            clientIndex.CreateIfNotExistsAsync(cancellationToken),
            state.CreateIfNotExistsAsync(cancellationToken));
        return new ImportStorage(new UserStore(users), new RegistrationStore(users, clientIndex), new ImportStateStore(state));
    }
}
