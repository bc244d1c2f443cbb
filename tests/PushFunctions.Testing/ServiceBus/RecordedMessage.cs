namespace PushFunctions.Testing.ServiceBus;

/// <summary>A message the local Service Bus accepted: its broker properties and body as the receiver would get them.</summary>
public sealed record RecordedMessage(string? MessageId, TimeSpan? TimeToLive, byte[] Body, long SequenceNumber)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}
