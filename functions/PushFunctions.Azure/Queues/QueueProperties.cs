namespace PushFunctions.Azure.Queues;

/// <summary>A queue's metadata and its approximate length (the service counts lazily; it can lag by a little).</summary>
public sealed record QueueProperties(int ApproximateMessagesCount, IReadOnlyDictionary<string, string> Metadata);
