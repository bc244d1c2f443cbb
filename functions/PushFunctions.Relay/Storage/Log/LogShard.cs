using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace PushFunctions.Relay.Storage.Log;

/// <summary>
/// Appends the records of one shard partition of the message log in group commits: while one entity is being written, the
/// records that arrive meanwhile gather in the next one (up to an entity's 1 MiB), so one storage call carries many
/// messages and acknowledgements under load. A lone record goes out at once, except a message already handed to a waiting
/// device: it waits up to the linger, and is written as soon as any record joins it that nobody's acknowledgement is
/// coming for (above all that device's acknowledgement itself, when it polls again at once) or its entity is full, so a
/// message and its acknowledgement share one storage call when the device is near. One write in flight per shard keeps an
/// instance's records in the order they were made. A record is durable when the task <see cref="Append"/> returned
/// completes; it fails with the storage error when its entity could not be written, and the next entity is then written
/// under the same sequence number (replacing one that may have landed unanswered), so nothing the callers were told failed
/// is replayed after a restart.
/// </summary>
/// <param name="commitSlots">
/// Shared by the shards of one log: a commit waits for a slot before its batch is taken, so while storage is busy every
/// shard's next batch keeps growing instead of more small writes queueing at storage.
/// </param>
/// <param name="linger">How long a lone message handed to a waiting device waits for its acknowledgement; zero writes it at once.</param>
internal sealed partial class LogShard(TableClient table, int number, SemaphoreSlim commitSlots, TimeSpan linger, ILogger logger)
{
    public const string PartitionPrefix = "log";

    private readonly Lock sync = new();
    private readonly Queue<PendingBatch> closed = new();
    private PendingBatch open = new();
    private bool writing;
    private TaskCompletionSource? lingering;
    private long nextSequence = 1;
    private long? retrySequence;
    private long lastCommitted;
    private long entitiesSinceCheckpoint;
    private long bytesSinceCheckpoint;
    private long checkpointBytes;

    public string PartitionKey { get; } = PartitionPrefix + number;

    /// <summary>Continues after what the load found: the highest sequence number in use, the entities written since the checkpoint.</summary>
    public void Resume(long highestSequence, long tailEntities, long tailBytes, long checkpointSize)
    {
        lock (sync)
        {
            nextSequence = highestSequence + 1;
            lastCommitted = highestSequence;
            (entitiesSinceCheckpoint, bytesSinceCheckpoint, checkpointBytes) = (tailEntities, tailBytes, checkpointSize);
        }
    }

    /// <param name="awaitsAcknowledgement">The record is a message handed to a waiting device, which may linger (see above).</param>
    public Task Append(LogRecord record, bool awaitsAcknowledgement)
    {
        lock (sync)
        {
            var committed = open.TryAdd(record);
            if (committed is null)
            {
                closed.Enqueue(open);
                open = new PendingBatch();
                committed = open.TryAdd(record)!;
            }

            if (!writing)
            {
                writing = true;
                if (awaitsAcknowledgement && linger > TimeSpan.Zero)
                {
                    lingering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _ = WriteAfterLingerAsync(lingering.Task);
                }
                else
                {
                    _ = Task.Run(WriteAsync);
                }
            }
            else if (lingering is not null && (!awaitsAcknowledgement || closed.Count > 0))
            {
                lingering.TrySetResult();
                lingering = null;
            }

            return committed;
        }
    }

    /// <summary>
    /// Compaction is due once the log written since the last checkpoint is larger than that checkpoint (and than a minimum),
    /// or holds many entities: storage holds at most about twice the live state, and a start reads a bounded tail.
    /// </summary>
    public bool CompactionDue(long minimumBytes, long maximumEntities)
    {
        lock (sync)
        {
            return entitiesSinceCheckpoint > 0
                && ((bytesSinceCheckpoint >= minimumBytes && bytesSinceCheckpoint >= checkpointBytes) || entitiesSinceCheckpoint >= maximumEntities);
        }
    }

    /// <summary>The last committed sequence number, and the entities and bytes committed up to it since the checkpoint.</summary>
    public (long Sequence, long Entities, long Bytes) Committed()
    {
        lock (sync)
        {
            return (lastCommitted, entitiesSinceCheckpoint, bytesSinceCheckpoint);
        }
    }

    /// <summary>Reserves consecutive sequence numbers for a checkpoint's entities; returns the first.</summary>
    public long Reserve(int count)
    {
        lock (sync)
        {
            var first = nextSequence;
            nextSequence += count;
            return first;
        }
    }

    /// <summary>A checkpoint of <paramref name="size"/> bytes now covers what was committed up to the <see cref="Committed"/> figures given.</summary>
    public void Checkpointed(long size, long coveredEntities, long coveredBytes)
    {
        lock (sync)
        {
            checkpointBytes = size;
            entitiesSinceCheckpoint -= coveredEntities;
            bytesSinceCheckpoint -= coveredBytes;
        }
    }

    private async Task WriteAfterLingerAsync(Task joined)
    {
        await Task.WhenAny(joined, Task.Delay(linger));
        lock (sync)
        {
            lingering = null;
        }

        await WriteAsync();
    }

    private async Task WriteAsync()
    {
        while (true)
        {
            await commitSlots.WaitAsync();
            try
            {
                PendingBatch batch;
                long sequence;
                lock (sync)
                {
                    if (closed.Count > 0)
                    {
                        batch = closed.Dequeue();
                    }
                    else if (!open.IsEmpty)
                    {
                        batch = open;
                        open = new PendingBatch();
                    }
                    else
                    {
                        writing = false;
                        return;
                    }

                    sequence = retrySequence ?? nextSequence++;
                }

                await CommitAsync(batch, sequence);
            }
            finally
            {
                commitSlots.Release();
            }
        }
    }

    private async Task CommitAsync(PendingBatch batch, long sequence)
    {
        var payload = LogCodec.Encode(batch.Records);
        try
        {
            await table.UpsertEntityAsync(LogCodec.ToEntity(PartitionKey, sequence, payload), TableUpdateMode.Replace);
        }
        catch (Exception exception)
        {
            LogCommitFailed(logger, PartitionKey, payload.Length, exception);
            lock (sync)
            {
                retrySequence = sequence;
            }

            batch.Fail(exception);
            return;
        }

        lock (sync)
        {
            retrySequence = null;
            lastCommitted = sequence;
            entitiesSinceCheckpoint++;
            bytesSinceCheckpoint += payload.Length;
        }

        batch.Complete();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Bytes} bytes of the relay log to partition {Partition} failed")]
    private static partial void LogCommitFailed(ILogger logger, string partition, int bytes, Exception exception);
}
