using PushFunctions.Azure.ServiceBus;

namespace PushFunctions.Gateway.Queueing;

/// <summary>An envelope's message waiting for a Service Bus request, and the batcher waiting for its outcome.</summary>
internal sealed class PendingSend(ServiceBusMessage message)
{
    public ServiceBusMessage Message { get; } = message;

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
