namespace PushFunctions.Testing.ServiceBus;

/// <summary>
/// The queue properties of the local namespace, defaulting to what infra/app/servicebus.bicep deploys (and Service
/// Bus's own default lock duration of one minute).
/// </summary>
public sealed record LocalServiceBusOptions
{
    /// <summary>How long a received message stays locked to its receiver (the queue's lockDuration).</summary>
    public TimeSpan LockDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Deliveries before the broker dead-letters a message with MaxDeliveryCountExceeded (maxDeliveryCount).</summary>
    public int MaxDeliveryCount { get; init; } = 10;

    /// <summary>How long a MessageId is remembered to drop a resent copy (duplicateDetectionHistoryTimeWindow).</summary>
    public TimeSpan DuplicateDetectionWindow { get; init; } = TimeSpan.FromMinutes(10);
}
