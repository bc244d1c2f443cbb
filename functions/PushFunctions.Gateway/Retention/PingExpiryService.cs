using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Hosting;

namespace PushFunctions.Gateway.Retention;

/// <summary>
/// The standalone gateway's equivalent of the ExpirePings timer: one bounded pass once storage exists, then one every
/// Storage:ExpiryInterval. Several instances may each run it: passes tolerate one another (a row or blob already
/// removed is not an error).
/// </summary>
public sealed class PingExpiryService(
    PingExpiry expiry, StorageInitializer storage, IOptions<StorageOptions> options, TimeProvider time, ILogger<PingExpiryService> logger)
    : RecurringPassService(options.Value.ExpiryInterval, time, logger)
{
    protected override Task Ready => storage.Created;

    protected override string PassName => "Ping expiry";

    protected override Task RunPassAsync(CancellationToken cancellationToken) => expiry.RunAsync(cancellationToken);
}
