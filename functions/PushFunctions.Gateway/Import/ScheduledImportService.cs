using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Hosting;

namespace PushFunctions.Gateway.Import;

/// <summary>
/// The standalone gateway's schedule for the RhoConnect import: a run at start, then one every
/// <see cref="RhoConnectOptions.ImportInterval"/>. A run stopped midway recorded its checkpoint; the next continues from it.
/// </summary>
public sealed class ScheduledImportService(
    ScheduledImport import, StorageInitializer storage, IOptions<RhoConnectOptions> options, TimeProvider time, ILogger<ScheduledImportService> logger)
    : RecurringPassService(options.Value.ImportInterval, time, logger)
{
    // The gateway's tables are created once the server listens; the first run writes to them.
    protected override Task Ready => storage.FirstAttempt;

    protected override string PassName => "The scheduled RhoConnect import";

    protected override Task RunPassAsync(CancellationToken cancellationToken) => import.RunAsync(cancellationToken);
}
