namespace PushFunctions.Azure.Stores;

/// <summary>What one expiry pass over the Pings table and the envelope blobs did.</summary>
/// <param name="EnvelopesRemoved">Partitions (one per envelope) removed with all their rows.</param>
/// <param name="RowsRemoved">Table rows removed: envelope records, ping summaries and outcome rows.</param>
/// <param name="BlobsRemoved">Stored envelope bodies removed.</param>
/// <param name="EnvelopesKept">Partitions past the retention kept because a ping of theirs may still be delivered.</param>
/// <param name="Finished">False when the pass stopped at its row budget with more left to read: the next pass goes on.</param>
public sealed record ExpiryPass(int EnvelopesRemoved, int RowsRemoved, int BlobsRemoved, int EnvelopesKept, bool Finished);
