namespace PushFunctions.Gateway.Queueing;

/// <summary>
/// Lets the in-process consumer poll at once when this process has just queued something, instead of waiting for
/// its next poll: standalone, a ping reaches its devices in milliseconds while an idle queue is still polled rarely.
/// </summary>
public sealed class DeliveryWakeup : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up covers every envelope queued meanwhile.
        }
    }

    public void Dispose() => _signal.Dispose();

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
