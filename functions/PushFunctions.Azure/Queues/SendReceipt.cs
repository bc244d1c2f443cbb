namespace PushFunctions.Azure.Queues;

/// <summary>What the service says about a message it accepted.</summary>
public sealed record SendReceipt(
    string MessageId,
    DateTimeOffset InsertionTime,
    DateTimeOffset ExpirationTime,
    string PopReceipt,
    DateTimeOffset TimeNextVisible);
