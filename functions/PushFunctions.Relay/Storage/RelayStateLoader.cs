using Microsoft.Extensions.Hosting;
using PushFunctions.Relay.Devices;

namespace PushFunctions.Relay.Storage;

/// <summary>
/// Loads the relay's state from storage before the server takes requests (hosted services start before Kestrel
/// listens), so the first poll after a restart already sees every queued message.
/// </summary>
public sealed class RelayStateLoader(DeviceDirectory directory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => directory.LoadAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
