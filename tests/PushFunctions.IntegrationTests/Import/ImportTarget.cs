using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Azure.Data.Tables;
using PushFunctions.Azure.Configuration;
using PushFunctions.Azure.Stores;
using PushFunctions.Core.Registrations;
using PushFunctions.Import.Importing;
using PushFunctions.Import.Source;
using PushFunctions.Import.State;
using PushFunctions.Testing.Gateway;

namespace PushFunctions.IntegrationTests.Import;

/// <summary>A gateway to import into: importers bound to its tables, and what its tables hold.</summary>
internal sealed class ImportTarget(GatewayHost gateway)
{
    public GatewayHost Gateway => gateway;

    public UserStore Users => gateway.Services.GetRequiredService<UserStore>();

    public RegistrationStore Registrations => gateway.Services.GetRequiredService<RegistrationStore>();

    public async Task<ImportStateStore> StateAsync()
    {
        var table = gateway.Services.GetRequiredService<TableServiceClient>()
            .GetTableClient(gateway.Settings["Storage:TablePrefix"] + ImportStateStore.TableName);
        await table.CreateIfNotExistsAsync();
        return new ImportStateStore(table);
    }

    public async Task<RegistrationImporter> ImporterAsync(Uri source, string apiToken) =>
        new(
            // Short retry delays: tests that meet a failing source should not wait out production back-off.
            new RhoConnectClient(source, apiToken, new RhoConnectClientOptions { Retry = { Delay = TimeSpan.FromMilliseconds(20), MaxRetries = 1 } }),
            Users,
            Registrations,
            await StateAsync(),
            TimeProvider.System,
            NullLogger<RegistrationImporter>.Instance);

    /// <summary>The client as the import wrote it, without the store's concurrency token (no import copies that).</summary>
    public async Task<ClientRegistration?> ClientAsync(string clientId) => await Registrations.GetAsync(clientId) is { } client ? client with { ETag = null } : null;

    /// <summary>Every row of the users and client index tables with its version: a run that writes nothing leaves them all as they were.</summary>
    public async Task<IReadOnlyList<string>> RowVersionsAsync()
    {
        var rows = new List<string>();
        foreach (var table in (TableClient[])[Users.Table, Registrations.IndexTable])
        {
            await foreach (var row in table.QueryAsync<TableEntity>())
            {
                rows.Add($"{table.Name}/{row.PartitionKey}/{row.RowKey}/{row.ETag}");
            }
        }

        return rows;
    }
}
