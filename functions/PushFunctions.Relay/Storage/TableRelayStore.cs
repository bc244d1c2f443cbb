using System.Globalization;
using Azure;
using Azure.Data.Tables;
using PushFunctions.Azure.Stores;
using PushFunctions.Relay.Devices;

namespace PushFunctions.Relay.Storage;

/// <summary>
/// The relay's state in three tables, each partitioned by instance id so one instance's rows change together:
/// <c>{prefix}Instances</c> (row ""), <c>{prefix}Registrations</c> (row = app name) and <c>{prefix}Messages</c>
/// (row = zero-padded message id, plus a <c>watermark</c> row holding the highest id issued).
/// </summary>
public sealed class TableRelayStore(TableClient instances, TableClient registrations, TableClient messages) : IRelayStore
{
    private const string InstanceRowKey = "";
    private const string WatermarkRowKey = "watermark";

    // A table transaction holds at most 100 actions; one is kept for the watermark.
    private const int MaxDeletesPerTransaction = 99;

    private const string UserProperty = "User";
    private const string LastActivityProperty = "LastActivity";
    private const string AppNameProperty = "AppName";
    private const string TokenProperty = "Token";
    private const string CollapseIdProperty = "CollapseId";
    private const string DataProperty = "Data";
    private const string LastIssuedIdProperty = "LastIssuedId";

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
            storedInstances.Add(new StoredInstance(
                entity.PartitionKey,
                entity.GetString(UserProperty) ?? "",
                entity.GetDateTimeOffset(LastActivityProperty) ?? DateTimeOffset.MinValue));
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
        await foreach (var entity in messages.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            if (entity.RowKey == WatermarkRowKey)
            {
                watermarks[entity.PartitionKey] = entity.GetInt64(LastIssuedIdProperty) ?? 0;
                continue;
            }

            storedMessages.Add(new StoredMessage(entity.PartitionKey, new QueuedMessage(
                long.Parse(entity.RowKey, NumberStyles.None, CultureInfo.InvariantCulture),
                entity.GetString(AppNameProperty) ?? "",
                entity.GetString(TokenProperty) ?? "",
                entity.GetString(CollapseIdProperty),
                entity.GetString(DataProperty) ?? "{}")));
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

    public async Task DeleteInstanceAsync(
        string instanceId,
        IReadOnlyCollection<string> appNames,
        IReadOnlyCollection<long> messageIds,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(appNames);
        ArgumentNullException.ThrowIfNull(messageIds);
        var messageRows = messageIds.Select(MessageRowKey).Append(WatermarkRowKey);
        await DeleteRowsAsync(messages, instanceId, messageRows, cancellationToken);
        await DeleteRowsAsync(registrations, instanceId, appNames.Select(TableKeys.Encode), cancellationToken);
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

    public async Task SaveMessageAsync(StoredMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var queued = message.Message;
        var entity = new TableEntity(message.InstanceId, MessageRowKey(queued.Id))
        {
            [AppNameProperty] = queued.AppName,
            [TokenProperty] = queued.Token,
            [CollapseIdProperty] = queued.CollapseId,
            [DataProperty] = queued.Data,
        };
        await messages.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task DeleteMessagesAsync(string instanceId, IReadOnlyCollection<long> messageIds, long watermark, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var watermarkRow = new TableEntity(instanceId, WatermarkRowKey) { [LastIssuedIdProperty] = watermark };
        var chunks = messageIds.Chunk(MaxDeletesPerTransaction).ToList();
        for (var index = 0; index < chunks.Count; index++)
        {
            var actions = chunks[index]
                .Select(id => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(instanceId, MessageRowKey(id)), ETag.All))
                .ToList();

            // The watermark goes with the first deletes, so no delete is ever durable before it.
            if (index == 0)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, watermarkRow));
            }

            try
            {
                await messages.SubmitTransactionAsync(actions, cancellationToken);
            }
            catch (TableTransactionFailedException exception) when (exception.Status == 404)
            {
                // An earlier attempt removed some of these rows already; finish one by one.
                foreach (var action in actions)
                {
                    if (action.ActionType == TableTransactionActionType.Delete)
                    {
                        await DeleteRowAsync(messages, instanceId, action.Entity.RowKey, cancellationToken);
                    }
                    else
                    {
                        await messages.UpsertEntityAsync(action.Entity, TableUpdateMode.Replace, cancellationToken);
                    }
                }
            }
        }
    }

    // 19 digits hold any long, and zero padding makes the row order the id order.
    private static string MessageRowKey(long id) => id.ToString("D19", CultureInfo.InvariantCulture);

    private static async Task DeleteRowsAsync(TableClient table, string partitionKey, IEnumerable<string> rowKeys, CancellationToken cancellationToken)
    {
        foreach (var rowKey in rowKeys)
        {
            await DeleteRowAsync(table, partitionKey, rowKey, cancellationToken);
        }
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
}
