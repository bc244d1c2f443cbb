using Microsoft.Extensions.Options;
using PushFunctions.Gateway.Configuration;
using PushFunctions.Gateway.Hosting;

namespace PushFunctions.Gateway.Retention;

/// <summary>
/// The standalone gateway's equivalent of the ExpirePings timer: one bounded pass once storage exists, then one every
/// Storage:ExpiryInterval. Several instances may each run it: passes tolerate one another (a row or blob already
/// removed is not an error). A pass that fails is logged and the next one tries again.
/// </summary>
public sealed partial class PingExpiryService(
    PingExpiry expiry, StorageInitializer storage, IOptions<StorageOptions> options, TimeProvider time, ILogger<PingExpiryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await storage.Created.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.ExpiryInterval, time);
        do
        {
            try
            {
                await expiry.RunAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ping expiry failed; the next pass tries again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
