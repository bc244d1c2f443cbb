namespace PushFunctions.Testing.ServiceBus;

/// <summary>
/// A message the local namespace holds, as a receiver would see it: broker properties, body, how often it was
/// delivered, and, in the dead-letter queue, why it is there.
/// </summary>
public sealed record RecordedMessage(
    string MessageId,
    TimeSpan? TimeToLive,
    byte[] Body,
    long SequenceNumber,
    int DeliveryCount,
    string? DeadLetterReason,
    string? DeadLetterDescription)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
