namespace PushFunctions.Relay.Storage.GroupCommit;

/// <summary>
/// The changes of one partition that will go to storage in one entity-group transaction, at most one per row: a later
/// change of a row replaces the earlier one, and a delete of a row whose first write is still here cancels both.
/// Everyone who put a change here waits for the same commit.
/// </summary>
internal sealed class PendingBatch
{
    // The service's limits are 100 entities and 4 MiB per transaction; the byte estimate keeps a margin for the framing.
    public const int MaxOperations = 100;
    public const int MaxBytes = 3 * 1024 * 1024;

    private readonly Dictionary<string, PendingOperation> operations = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource committed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Bytes { get; private set; }

    /// <summary>Someone waits on this batch (even if every change it held cancelled out).</summary>
    public bool HasWaiters { get; private set; }

    public IReadOnlyCollection<PendingOperation> Operations => operations.Values;

    public Task Committed => committed.Task;

    public bool Holds(PendingOperation operation) => operations.ContainsKey(operation.RowKey);

    public bool HasRoomFor(PendingOperation operation) =>
        operations.Count == 0 || (operations.Count < MaxOperations && Bytes + operation.Bytes <= MaxBytes);

    /// <summary>Adds the change, merging it with one already here for the same row; returns the commit to wait for.</summary>
    public Task Add(PendingOperation operation)
    {
        HasWaiters = true;
        if (operations.Remove(operation.RowKey, out var earlier))
        {
            Bytes -= earlier.Bytes;
            if (operation.IsDelete && earlier.CreatesRow)
            {
                // Written and deleted before either reached storage: nothing to write.
                return committed.Task;
            }

            // A second write of a row whose first write is still here creates the row just the same.
            operation = operation with { CreatesRow = earlier.CreatesRow && !operation.IsDelete };
        }

        operations[operation.RowKey] = operation;
        Bytes += operation.Bytes;
        return committed.Task;
    }

    public void Complete() => committed.TrySetResult();

    public void Fail(Exception exception) => committed.TrySetException(exception);
}
