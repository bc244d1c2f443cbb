using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using PushFunctions.Azure.Stores;

namespace PushFunctions.Relay.Storage.Log;

/// <summary>
/// The relay's queued messages as an append-only log in the <c>{prefix}Messages</c> table, spread over shard partitions
/// <c>log0</c>…<c>log3</c> by a hash of the instance id. Each entity (row = a 19-digit sequence number) carries the records
/// of one group commit: messages queued and collapsed, removals (acknowledged, dropped, expired or unregistered messages,
/// with the highest id issued) and instance deletions, so one storage call carries many messages and acknowledgements
/// (see <see cref="LogShard"/>). At startup every shard is replayed into memory. Compaction (see
/// <see cref="CompactDueAsync"/>) writes a checkpoint of a shard's state as of a sequence number and deletes what it
/// supersedes; a start replays the newest complete checkpoint and the entities after it.
/// </summary>
public sealed partial class MessageLog : IDisposable
{
    /// <summary>Shard partitions; each has one write in flight at a time, and in Azure serves up to 2,000 entities a second.</summary>
    public const int ShardCount = 4;

    /// <summary>Log writes in flight at once, over all shards (see <see cref="LogShard"/>).</summary>
    public const int CommitsInFlight = 2;

    // Compaction is due once a shard's log since its checkpoint is larger than the checkpoint and than this...
    private const long CompactionMinimumBytes = 1024 * 1024;

    // ...or holds this many entities (a start reads them all).
    private const long CompactionMaximumEntities = 20_000;

    private static readonly string[] LayoutColumns = ["PartitionKey", "RowKey", LogCodec.CheckpointProperty, LogCodec.AsOfProperty, LogCodec.PartsProperty];

    private readonly TableClient table;
    private readonly LogShard[] shards;
    private readonly SemaphoreSlim commitSlots = new(CommitsInFlight, CommitsInFlight);
    private readonly ILogger logger;

    /// <param name="linger">How long a message handed to a waiting device waits for its acknowledgement before it is written (see <see cref="LogShard"/>).</param>
    public MessageLog(TableClient table, TimeSpan linger, ILogger logger)
    {
        this.table = table;
        this.logger = logger;
        shards = [.. Enumerable.Range(0, ShardCount).Select(shard => new LogShard(table, shard, commitSlots, linger, logger))];
    }

    public void Dispose() => commitSlots.Dispose();

    /// <summary>Queues the record for its shard's next group commit; completes when it is durable.</summary>
    /// <param name="awaitsAcknowledgement">
    /// A message just handed to a waiting device: when nothing of its shard is being written, it waits up to the linger
    /// for that device's acknowledgement, so that both are written in one entity (see <see cref="LogShard"/>).
    /// </param>
    public Task AppendAsync(LogRecord record, bool awaitsAcknowledgement = false)
    {
        ArgumentNullException.ThrowIfNull(record);
        return ShardOf(record.InstanceId).Append(record, awaitsAcknowledgement);
    }

    /// <summary>
    /// Replays every shard (its newest complete checkpoint, then the entities after it) and makes the shards continue after
    /// it. Rows of the earlier layouts are moved into the log first, so nothing they held is lost.
    /// </summary>
    public Task<LogState> LoadAsync(CancellationToken cancellationToken = default) => ReplayAllAsync(takeOver: true, cancellationToken);

    /// <summary>What a relay starting now would load from the table, read without writing anything (for inspection).</summary>
    public static async Task<LogState> ReadAsync(TableClient table, CancellationToken cancellationToken = default)
    {
        using var log = new MessageLog(table, TimeSpan.Zero, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        return await log.ReplayAllAsync(takeOver: false, cancellationToken);
    }

    /// <summary>Compacts every shard whose log since its checkpoint has grown past the checkpoint (one shard at a time).</summary>
    public async Task CompactDueAsync(CancellationToken cancellationToken)
    {
        foreach (var shard in shards.Where(shard => shard.CompactionDue(CompactionMinimumBytes, CompactionMaximumEntities)))
        {
            await CompactAsync(shard, cancellationToken);
        }
    }

    /// <summary>
    /// Writes a checkpoint of the shard as storage has it up to the last committed entity (read back, not taken from
    /// memory, which runs ahead of storage), then deletes the entities it supersedes. A checkpoint counts only once all its
    /// entities are written, so a compaction cut short leaves the log as it was.
    /// </summary>
    private async Task CompactAsync(LogShard shard, CancellationToken cancellationToken)
    {
        var (upTo, coveredEntities, coveredBytes) = shard.Committed();
        var layout = (await ReadLayoutsAsync($"PartitionKey eq '{shard.PartitionKey}'", cancellationToken)).GetValueOrDefault(shard.PartitionKey) ?? new ShardLayout();
        var state = new LogState();
        await ReplayAsync(shard, layout.NewestCheckpoint(), upTo, state, cancellationToken);

        var parts = new List<PendingBatch> { new() };
        foreach (var record in state.Records())
        {
            if (parts[^1].TryAdd(record) is null)
            {
                parts.Add(new PendingBatch());
                _ = parts[^1].TryAdd(record);
            }
        }

        var payloads = parts.Select(part => LogCodec.Encode(part.Records)).ToList();
        var first = shard.Reserve(payloads.Count);
        for (var part = 0; part < payloads.Count; part++)
        {
            var entity = LogCodec.ToEntity(shard.PartitionKey, first + part, payloads[part]);
            entity[LogCodec.CheckpointProperty] = first;
            entity[LogCodec.AsOfProperty] = upTo;
            entity[LogCodec.PartsProperty] = payloads.Count;
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }

        var size = payloads.Sum(payload => (long)payload.Length);
        shard.Checkpointed(size, coveredEntities, coveredBytes);

        // 100 to a storage operation: deleting them one by one was as many operations as the log's own writes.
        var superseded = layout.Entities.Where(entity => entity.Checkpoint is not null || entity.Sequence <= upTo).ToList();
        await table.DeleteRowsAsync(superseded.Select(entity => new TableEntity(shard.PartitionKey, LogCodec.RowKey(entity.Sequence))), cancellationToken);

        LogCompacted(logger, shard.PartitionKey, upTo, size, payloads.Count, superseded.Count);
    }

    /// <summary>
    /// Applies the checkpoint's records, then those of the entities after it up to <paramref name="upTo"/> in sequence order
    /// (entities written before the checkpoint's own rows but after its point are held until it is applied). Superseded
    /// is true when a complete newer checkpoint turned up: a compaction ran since the layout was read, and may have deleted
    /// what this replay still had to read (only a reader beside the writing relay sees this).
    /// </summary>
    private async Task<(long TailEntities, long TailBytes, long CheckpointBytes, bool Superseded)> ReplayAsync(
        LogShard shard, (long Id, long AsOf)? checkpoint, long upTo, LogState state, CancellationToken cancellationToken)
    {
        var filter = $"PartitionKey eq '{shard.PartitionKey}'" + (checkpoint is { } after ? $" and RowKey gt '{LogCodec.RowKey(after.AsOf)}'" : "");
        var tail = new List<byte[]>();
        var (tailBytes, checkpointBytes) = (0L, 0L);
        var newer = new ShardLayout();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var sequence = LogCodec.Sequence(entity.RowKey);
            if (entity.GetInt64(LogCodec.CheckpointProperty) is { } id)
            {
                if (id == checkpoint?.Id)
                {
                    var payload = LogCodec.ReadPayload(entity);
                    checkpointBytes += payload.Length;
                    ApplyAll(state, payload);
                }
                else if (id > (checkpoint?.Id ?? 0))
                {
                    newer.Add(sequence, id, entity.GetInt64(LogCodec.AsOfProperty), entity.GetInt32(LogCodec.PartsProperty));
                }
            }
            else if (sequence <= upTo)
            {
                var payload = LogCodec.ReadPayload(entity);
                tailBytes += payload.Length;
                tail.Add(payload);
            }
        }

        foreach (var payload in tail)
        {
            ApplyAll(state, payload);
        }

        // Only a complete newer checkpoint: one cut short (its compaction failed) deletes nothing, and the rows of one still
        // being written come after every entity its compaction will delete, so this scan had read those already.
        return (tail.Count, tailBytes, checkpointBytes, Superseded: newer.NewestCheckpoint() is not null);
    }

    private static void ApplyAll(LogState state, byte[] payload)
    {
        foreach (var record in LogCodec.Read(payload))
        {
            state.Apply(record);
        }
    }

    /// <summary>Every partition's entities by key and checkpoint marks only (no payload): what a replay starts from.</summary>
    private async Task<Dictionary<string, ShardLayout>> ReadLayoutsAsync(string? filter, CancellationToken cancellationToken)
    {
        var layouts = new Dictionary<string, ShardLayout>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: LayoutColumns, cancellationToken: cancellationToken))
        {
            if (!layouts.TryGetValue(entity.PartitionKey, out var layout))
            {
                layouts[entity.PartitionKey] = layout = new ShardLayout();
            }

            if (IsLogPartition(entity.PartitionKey))
            {
                layout.Add(LogCodec.Sequence(entity.RowKey), entity.GetInt64(LogCodec.CheckpointProperty), entity.GetInt64(LogCodec.AsOfProperty), entity.GetInt32(LogCodec.PartsProperty));
            }
        }

        return layouts;
    }

    /// <summary>
    /// Replays every shard; starts over when a compaction (of a relay writing meanwhile) superseded the layout read first,
    /// since it may have deleted entities the replay had yet to read.
    /// </summary>
    private async Task<LogState> ReplayAllAsync(bool takeOver, CancellationToken cancellationToken)
    {
        Dictionary<string, ShardLayout> layouts;
        LogState state;
        bool superseded;
        do
        {
            layouts = await ReadLayoutsAsync(filter: null, cancellationToken);
            state = new LogState();
            superseded = false;
            foreach (var shard in shards)
            {
                var layout = layouts.GetValueOrDefault(shard.PartitionKey) ?? new ShardLayout();
                var replayed = await ReplayAsync(shard, layout.NewestCheckpoint(), long.MaxValue, state, cancellationToken);
                superseded |= replayed.Superseded;
                if (takeOver)
                {
                    shard.Resume(layout.HighestSequence, replayed.TailEntities, replayed.TailBytes, replayed.CheckpointBytes);
                }
            }
        }
        while (superseded);

        if (layouts.Keys.Any(partition => !IsLogPartition(partition)))
        {
            await ReadLegacyRowsAsync(state, takeOver, cancellationToken);
        }

        return state;
    }

    /// <summary>
    /// Applies rows of an earlier layout; taking over, appends them to the log, then deletes them (a start cut short
    /// between the two moves them again).
    /// </summary>
    private async Task ReadLegacyRowsAsync(LogState state, bool takeOver, CancellationToken cancellationToken)
    {
        var legacyRows = new List<TableEntity>();
        var appended = new List<Task>();
        await foreach (var entity in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            if (!IsLogPartition(entity.PartitionKey))
            {
                var record = LegacyRows.ToRecord(entity);
                state.Apply(record);
                legacyRows.Add(entity);
                if (takeOver)
                {
                    appended.Add(AppendAsync(record));
                }
            }
        }

        if (!takeOver)
        {
            return;
        }

        await Task.WhenAll(appended);
        foreach (var partition in legacyRows.GroupBy(row => row.PartitionKey, StringComparer.Ordinal))
        {
            await table.DeleteRowsAsync(partition, cancellationToken);
        }

        LogLegacyRowsMoved(logger, legacyRows.Count);
    }

    private static bool IsLogPartition(string partitionKey) =>
        partitionKey.StartsWith(LogShard.PartitionPrefix, StringComparison.Ordinal)
        && int.TryParse(partitionKey.AsSpan(LogShard.PartitionPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary>A stable hash of the instance id (the same in every process, unlike string.GetHashCode).</summary>
    private LogShard ShardOf(string instanceId)
    {
        var hash = 2166136261u;
        foreach (var character in instanceId)
        {
            hash = (hash ^ character) * 16777619u;
        }

        return shards[hash % ShardCount];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Count} message rows of an earlier table layout into the relay log")]
    private static partial void LogLegacyRowsMoved(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Compacted relay log partition {Partition} up to {Sequence}: checkpoint of {Bytes} bytes in {Parts} entities, {Deleted} entities deleted")]
    private static partial void LogCompacted(ILogger logger, string partition, long sequence, long bytes, int parts, int deleted);
}
