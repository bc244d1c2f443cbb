using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Import.Importing;
using PushFunctions.Import.State;

namespace PushFunctions.Gateway.Import;

/// <summary>
/// One run of the gateway's own import from RhoConnect, with the settings' options: what the timer function (under the
/// Functions host) and <see cref="ScheduledImportService"/> (standalone) both do. Of several instances, the one that
/// takes the import lease imports; the others find it held and leave it.
/// </summary>
public sealed class ScheduledImport(RegistrationImporter importer, ImportStateStore state, IOptions<RhoConnectOptions> options)
{
    private volatile bool _tableExists;

    public async Task<ImportSummary> RunAsync(CancellationToken cancellationToken)
    {
        if (!_tableExists)
        {
            await state.Table.CreateIfNotExistsAsync(cancellationToken);
            _tableExists = true;
        }

        var settings = options.Value;
        return await importer.RunAsync(
            new ImportOptions { Prune = settings.ImportPrune, MaxConcurrency = settings.ImportConcurrency },
            progress: null,
            cancellationToken);
    }
}
