namespace PushFunctions.Azure.Queues;

/// <summary>A message seen without being received: its visibility and pop receipt are untouched.</summary>
public sealed record PeekedMessage(
    string MessageId,
    string MessageText,
    long DequeueCount,
    DateTimeOffset? InsertedOn,
    DateTimeOffset? ExpiresOn);
