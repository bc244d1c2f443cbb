namespace PushFunctions.Gateway.Queueing;

/// <summary>An envelope's id (the message id, for duplicate detection) and its message body.</summary>
public sealed record QueuedEnvelope(string Id, ReadOnlyMemory<byte> Body);
