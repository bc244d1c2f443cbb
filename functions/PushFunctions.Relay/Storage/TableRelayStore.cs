using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using PushFunctions.Azure.Stores;
using PushFunctions.Relay.Devices;
using PushFunctions.Relay.Storage.GroupCommit;

namespace PushFunctions.Relay.Storage;

/// <summary>
/// The relay's state in three tables. <c>{prefix}Instances</c> (partition = instance id, row "") and
/// <c>{prefix}Registrations</c> (partition = instance id, row = app name) change only when devices come and go.
/// <c>{prefix}Messages</c> carries the traffic: its rows are spread over a few shard partitions by instance
/// (row = <c>{instance}:{19-digit id}</c>, and <c>{instance}:watermark</c> for the highest id issued), so that the
/// messages and acknowledgements of many devices share one entity-group transaction (see <see cref="PartitionWriter"/>).
/// At startup every row is read back and the memory index rebuilt from them.
/// </summary>
public sealed partial class TableRelayStore : IRelayStore, IDisposable
{
    /// <summary>
    /// Shard partitions of the message table. Each has one transaction in flight at a time, so this bounds the writes in
    /// flight; in Azure each partition serves up to 2,000 rows per second.
    /// </summary>
    public const int ShardCount = 4;

    /// <summary>Message transactions in flight at once, over all shards (see <see cref="PartitionWriter"/>).</summary>
    public const int TransactionsInFlight = 2;

    private const string InstanceRowKey = "";
    private const string WatermarkSuffix = ":watermark";
    private const int IdDigits = 19;

    // Binary properties hold at most 64 KiB each; a message's data is split over as many as it needs.
    private const int MaxPropertyBytes = 64 * 1024;

    private const string UserProperty = "User";
    private const string LastActivityProperty = "LastActivity";
    private const string AppNameProperty = "AppName";
    private const string TokenProperty = "Token";
    private const string CollapseIdProperty = "CollapseId";
    private const string DataProperty = "Data";
    private const string LastIssuedIdProperty = "LastIssuedId";

    private readonly TableClient instances;
    private readonly TableClient registrations;
    private readonly TableClient messages;
    private readonly PartitionWriter[] shards;
    private readonly SemaphoreSlim transactionSlots = new(TransactionsInFlight, TransactionsInFlight);
    private readonly ILogger logger;

    public TableRelayStore(TableServiceClient service, string tablePrefix, ILogger<TableRelayStore> logger)
    {
        ArgumentNullException.ThrowIfNull(service);
        instances = service.GetTableClient(tablePrefix + "Instances");
        registrations = service.GetTableClient(tablePrefix + "Registrations");
        messages = service.GetTableClient(tablePrefix + "Messages");
        shards = [.. Enumerable.Range(0, ShardCount).Select(shard => new PartitionWriter(messages, "shard" + shard, transactionSlots, logger))];
        this.logger = logger;
    }

    public TableClient InstancesTable => instances;

    public void Dispose() => transactionSlots.Dispose();

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await instances.CreateIfNotExistsAsync(cancellationToken);
        await registrations.CreateIfNotExistsAsync(cancellationToken);
        await messages.CreateIfNotExistsAsync(cancellationToken);
    }

    public async Task<RelaySnapshot> LoadAsync(CancellationToken cancellationToken = default)
    {
        var storedInstances = new List<StoredInstance>();
        await foreach (var entity in instances.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            if (entity.PartitionKey != WriterLease.PartitionKey)
            {
                storedInstances.Add(new StoredInstance(
                    entity.PartitionKey,
                    entity.GetString(UserProperty) ?? "",
                    entity.GetDateTimeOffset(LastActivityProperty) ?? DateTimeOffset.MinValue));
            }
        }

        var storedRegistrations = new List<Registration>();
        await foreach (var entity in registrations.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            storedRegistrations.Add(new Registration(
                entity.PartitionKey,
                entity.GetString(UserProperty) ?? "",
                entity.GetString(AppNameProperty) ?? TableKeys.Decode(entity.RowKey),
                entity.GetString(TokenProperty) ?? ""));
        }

        var storedMessages = new List<StoredMessage>();
        var watermarks = new Dictionary<string, long>(StringComparer.Ordinal);
        var legacyRows = new List<TableEntity>();
        await foreach (var entity in messages.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            var sharded = entity.PartitionKey.StartsWith("shard", StringComparison.Ordinal);
            if (!sharded)
            {
                legacyRows.Add(entity);
            }

            var (instanceId, suffix) = sharded
                ? (entity.RowKey[..entity.RowKey.LastIndexOf(':')], entity.RowKey[(entity.RowKey.LastIndexOf(':') + 1)..])
                : (entity.PartitionKey, entity.RowKey);
            if (suffix.Length != IdDigits)
            {
                watermarks[instanceId] = Math.Max(watermarks.GetValueOrDefault(instanceId), entity.GetInt64(LastIssuedIdProperty) ?? 0);
                continue;
            }

            storedMessages.Add(new StoredMessage(
                instanceId,
                long.Parse(suffix, NumberStyles.None, CultureInfo.InvariantCulture),
                entity.GetString(AppNameProperty) ?? "",
                entity.GetString(CollapseIdProperty),
                ReadData(entity),
                entity.Timestamp ?? DateTimeOffset.UtcNow));
        }

        if (legacyRows.Count > 0)
        {
            await MoveLegacyRowsAsync(legacyRows, storedMessages, watermarks, cancellationToken);
        }

        return new RelaySnapshot(storedInstances, storedRegistrations, storedMessages, watermarks);
    }

    public async Task SaveInstanceAsync(StoredInstance instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var entity = new TableEntity(instance.Id, InstanceRowKey)
        {
            [UserProperty] = instance.User,
            [LastActivityProperty] = instance.LastActivity,
        };
        await instances.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task TouchInstanceAsync(string instanceId, DateTimeOffset lastActivity, CancellationToken cancellationToken = default)
    {
        var entity = new TableEntity(instanceId, InstanceRowKey) { [LastActivityProperty] = lastActivity };
        try
        {
            // A merge that must find the row: a touch racing a delete must not bring the instance back.
            await instances.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // Deleted meanwhile: nothing to record.
        }
    }

    public async Task DeleteInstanceAsync(string instanceId, IReadOnlyCollection<string> appNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(appNames);
        foreach (var appName in appNames)
        {
            await DeleteRowAsync(registrations, instanceId, TableKeys.Encode(appName), cancellationToken);
        }

        await DeleteRowAsync(instances, instanceId, InstanceRowKey, cancellationToken);
    }

    public async Task SaveRegistrationAsync(Registration registration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var entity = new TableEntity(registration.InstanceId, TableKeys.Encode(registration.AppName))
        {
            [UserProperty] = registration.User,
            [AppNameProperty] = registration.AppName,
            [TokenProperty] = registration.Token,
        };
        await registrations.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public Task DeleteRegistrationAsync(string instanceId, string appName, CancellationToken cancellationToken = default) =>
        DeleteRowAsync(registrations, instanceId, TableKeys.Encode(appName), cancellationToken);

    public Task WriteMessageAsync(string instanceId, QueuedMessage message, bool isNew)
    {
        ArgumentNullException.ThrowIfNull(message);
        var shard = ShardOf(instanceId);
        var entity = MessageEntity(shard.PartitionKey, instanceId, message.Id, message.AppName, message.CollapseId, message.Data);
        return shard.Upsert(entity, isNew, message.Data.Length * 4 / 3);
    }

    public Task RemoveMessagesAsync(string instanceId, IReadOnlyCollection<QueuedMessage> messages, long? lastIssuedId)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var shard = ShardOf(instanceId);
        var writes = new List<Task>(messages.Count + 1);
        foreach (var message in messages)
        {
            writes.Add(shard.Delete(MessageRowKey(instanceId, message.Id)));
        }

        writes.Add(lastIssuedId is { } watermark
            ? shard.Upsert(new TableEntity(shard.PartitionKey, instanceId + WatermarkSuffix) { [LastIssuedIdProperty] = watermark }, createsRow: false, sizeof(long))
            : shard.Delete(instanceId + WatermarkSuffix));
        return Task.WhenAll(writes);
    }

    /// <summary>
    /// Rows of the first layout (a partition per instance, written one by one) are written again in the shard layout,
    /// then deleted, so a relay upgraded with messages queued loses none.
    /// </summary>
    private async Task MoveLegacyRowsAsync(
        List<TableEntity> legacyRows, List<StoredMessage> storedMessages, Dictionary<string, long> watermarks, CancellationToken cancellationToken)
    {
        var legacyInstances = legacyRows.Select(row => row.PartitionKey).ToHashSet(StringComparer.Ordinal);
        var rewrites = storedMessages
            .Where(stored => legacyInstances.Contains(stored.InstanceId))
            .Select(stored => ShardOf(stored.InstanceId).Upsert(
                MessageEntity(ShardOf(stored.InstanceId).PartitionKey, stored.InstanceId, stored.Id, stored.AppName, stored.CollapseId, stored.Data),
                createsRow: false,
                stored.Data.Length * 4 / 3))
            .Concat(watermarks.Where(watermark => legacyInstances.Contains(watermark.Key)).Select(watermark => ShardOf(watermark.Key).Upsert(
                new TableEntity(ShardOf(watermark.Key).PartitionKey, watermark.Key + WatermarkSuffix) { [LastIssuedIdProperty] = watermark.Value },
                createsRow: false,
                sizeof(long))));
        await Task.WhenAll(rewrites);
        foreach (var row in legacyRows)
        {
            await DeleteRowAsync(messages, row.PartitionKey, row.RowKey, cancellationToken);
        }

        LogLegacyRowsMoved(logger, legacyRows.Count);
    }

    private static TableEntity MessageEntity(string partitionKey, string instanceId, long id, string appName, string? collapseId, byte[] data)
    {
        var entity = new TableEntity(partitionKey, MessageRowKey(instanceId, id))
        {
            [AppNameProperty] = appName,
            [CollapseIdProperty] = collapseId,
        };
        for (var (offset, part) = (0, 0); offset < data.Length || part == 0; offset += MaxPropertyBytes, part++)
        {
            entity[DataProperty + (part == 0 ? "" : part.ToString(CultureInfo.InvariantCulture))] =
                data.AsSpan(offset, Math.Min(MaxPropertyBytes, data.Length - offset)).ToArray();
        }

        return entity;
    }

    /// <summary>The data as written: binary parts in order, or (first layout) one string.</summary>
    private static byte[] ReadData(TableEntity entity)
    {
        if (entity.TryGetValue(DataProperty, out var first) && first is string text)
        {
            return System.Text.Encoding.UTF8.GetBytes(text);
        }

        using var data = new MemoryStream();
        for (var part = 0; entity.GetBinary(DataProperty + (part == 0 ? "" : part.ToString(CultureInfo.InvariantCulture))) is { } bytes; part++)
        {
            data.Write(bytes);
        }

        return data.Length == 0 ? "{}"u8.ToArray() : data.ToArray();
    }

    // 19 digits hold any long, and zero padding makes the row order the id order.
    private static string MessageRowKey(string instanceId, long id) =>
        string.Create(CultureInfo.InvariantCulture, $"{instanceId}:{id:D19}");

    /// <summary>A stable hash of the instance id (the same in every process, unlike string.GetHashCode).</summary>
    private PartitionWriter ShardOf(string instanceId)
    {
        var hash = 2166136261u;
        foreach (var character in instanceId)
        {
            hash = (hash ^ character) * 16777619u;
        }

        return shards[hash % ShardCount];
    }

    private static async Task DeleteRowAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // Already gone is what was wanted.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Count} message rows of the first table layout to the shard partitions")]
    private static partial void LogLegacyRowsMoved(ILogger logger, int count);
}
