namespace PushFunctions.Relay.Storage.Log;

/// <summary>
/// The records of one shard that go to storage in one log entity. Everyone who added a record here waits for the same
/// commit.
/// </summary>
internal sealed class PendingBatch
{
    private readonly List<LogRecord> records = [];
    private readonly TaskCompletionSource committed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int estimatedBytes;

    public bool IsEmpty => records.Count == 0;

    public IReadOnlyList<LogRecord> Records => records;

    /// <summary>
    /// Adds the record and returns the commit to wait for; null (and nothing added) when the batch already holds records
    /// and this one could take it past an entity's size.
    /// </summary>
    public Task? TryAdd(LogRecord record)
    {
        var bytes = LogCodec.MaxEncodedBytes(record);
        if (records.Count > 0 && estimatedBytes + bytes > LogCodec.MaxPayloadBytes)
        {
            return null;
        }

        records.Add(record);
        estimatedBytes += bytes;
        return committed.Task;
    }

    public void Complete() => committed.TrySetResult();

    public void Fail(Exception exception) => committed.TrySetException(exception);
}
