using PushFunctions.Core.Delivery;
using PushFunctions.Core.Payloads;
using PushFunctions.Gateway.Channels;

namespace PushFunctions.IntegrationTests.Resilience;

/// <summary>The log channel, holding every send until <see cref="Release"/>; <see cref="Entered"/> completes when a send is in its hands.</summary>
internal sealed class HeldChannel(LogChannel log) : IDeliveryChannel
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Entered => _entered.Task;

    public string Name => log.Name;

    public bool Serves(Platform platform) => log.Serves(platform);

    public void Release() => _released.TrySetResult();

    public async Task<IReadOnlyList<DeviceOutcome>> SendAsync(IReadOnlyList<DeviceSend> sends, CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        await _released.Task.WaitAsync(cancellationToken);
        return await log.SendAsync(sends, cancellationToken);
    }
}
